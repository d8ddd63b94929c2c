#include "auth/hash_priority.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace ordo::auth {
namespace {

Status SysFail(const char* what) {
  return Fail(ErrorCode::kInternal, std::string(what) + ": " + std::strerror(errno));
}

Status SetPolicy(int policy) {
  sched_param param{};
  // pid 0 = the calling thread (Linux schedules threads, not processes).
  if (sched_setscheduler(0, policy, &param) != 0) return SysFail("sched_setscheduler");
  return {};
}

Status SetNice(int nice) {
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  if (setpriority(PRIO_PROCESS, tid, nice) != 0) return SysFail("setpriority");
  return {};
}

}  // namespace

Result<HashPriority> ParseHashPriority(std::string_view text) {
  if (text == "idle") return HashPriority::kIdle;
  if (text == "batch") return HashPriority::kBatch;
  if (text == "nice") return HashPriority::kNice;
  if (text == "normal") return HashPriority::kNormal;
  return Fail(ErrorCode::kInvalidArgument, "hash priority must be idle, batch, nice or normal");
}

std::string_view HashPriorityName(HashPriority p) {
  switch (p) {
    case HashPriority::kIdle:
      return "idle";
    case HashPriority::kBatch:
      return "batch";
    case HashPriority::kNice:
      return "nice";
    case HashPriority::kNormal:
      return "normal";
  }
  return "normal";
}

Status LowerThisThread(HashPriority p) {
  switch (p) {
    case HashPriority::kIdle:
      return SetPolicy(SCHED_IDLE);
    case HashPriority::kBatch:
      if (auto st = SetPolicy(SCHED_BATCH); !st) return st;
      return SetNice(19);
    case HashPriority::kNice:
      return SetNice(19);
    case HashPriority::kNormal:
      return {};
  }
  return {};
}

Status LowerPoolThreads(WorkerPool& pool, HashPriority p) {
  if (p == HashPriority::kNormal) return {};
  const auto n = static_cast<std::ptrdiff_t>(pool.threads());
  struct Shared {
    explicit Shared(std::ptrdiff_t n) : started(n), finished(n) {}
    std::latch started;
    std::latch finished;
    std::mutex mu;
    Status first;
  };
  auto shared = std::make_shared<Shared>(n);
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    // The queue may be shorter than the pool: wait for a free slot rather than fail.
    int tries = 0;
    while (!pool.TrySubmit([shared, p] {
      Status st = LowerThisThread(p);
      if (!st) {
        std::lock_guard lock(shared->mu);
        if (shared->first) shared->first = st;
      }
      shared->started.arrive_and_wait();  // holds this thread until every thread has one task
      shared->finished.count_down();
    })) {
      if (++tries > 10'000) {
        // A stopped pool: release the tasks already waiting, and report.
        for (std::ptrdiff_t j = i; j < n; ++j) {
          shared->started.count_down();
          shared->finished.count_down();
        }
        shared->finished.wait();
        return Fail(ErrorCode::kInternal, "the hash pool does not take work");
      }
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  }
  shared->finished.wait();
  return shared->first;
}

}  // namespace ordo::auth
