#include "auth/hash_priority.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <future>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

namespace ordo::auth {
namespace {

int NiceOfThisThread() {
  return getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
}

TEST(HashPriorityTest, ParsesTheFourNames) {
  for (auto p :
       {HashPriority::kIdle, HashPriority::kBatch, HashPriority::kNice, HashPriority::kNormal}) {
    EXPECT_EQ(ParseHashPriority(HashPriorityName(p)), p);
  }
  EXPECT_FALSE(ParseHashPriority("realtime").has_value());
}

TEST(HashPriorityTest, IdleAppliesToTheCallingThreadOnly) {
  std::thread([] {
    ASSERT_TRUE(LowerThisThread(HashPriority::kIdle).has_value());
    EXPECT_EQ(sched_getscheduler(0), SCHED_IDLE);
  }).join();
  EXPECT_EQ(sched_getscheduler(0), SCHED_OTHER);
}

TEST(HashPriorityTest, NiceAndBatch) {
  std::thread([] {
    ASSERT_TRUE(LowerThisThread(HashPriority::kNice).has_value());
    EXPECT_EQ(sched_getscheduler(0), SCHED_OTHER);
    EXPECT_EQ(NiceOfThisThread(), 19);
  }).join();
  std::thread([] {
    ASSERT_TRUE(LowerThisThread(HashPriority::kBatch).has_value());
    EXPECT_EQ(sched_getscheduler(0), SCHED_BATCH);
    EXPECT_EQ(NiceOfThisThread(), 19);
  }).join();
}

TEST(HashPriorityTest, EveryPoolThreadIsLowered) {
  WorkerPool pool(3, 1);  // a queue shorter than the pool must not matter
  ASSERT_TRUE(LowerPoolThreads(pool, HashPriority::kIdle).has_value());
  // Each thread runs one probe at a time; three probes blocked together cover all three threads.
  std::latch together(3);
  std::vector<std::future<int>> policies;
  for (int i = 0; i < 3; ++i) {
    auto task = std::make_shared<std::packaged_task<int()>>([&together] {
      together.arrive_and_wait();
      return sched_getscheduler(0);
    });
    policies.push_back(task->get_future());
    while (!pool.TrySubmit([task] { (*task)(); })) std::this_thread::yield();
  }
  for (auto& f : policies) EXPECT_EQ(f.get(), SCHED_IDLE);
}

}  // namespace
}  // namespace ordo::auth
