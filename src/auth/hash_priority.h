#pragma once
// Scheduling priority of the threads that run argon2id.
//
// Why: on a server with fewer cores than busy threads (one pinned core is the extreme), a hash
// that runs at the same priority as the I/O thread takes its full time slice before a waking I/O
// thread gets the CPU, so every other request waits behind 16 ms of hashing. At a lower priority
// the kernel preempts the hash the moment an I/O thread wakes, and the hash still gets all the
// CPU nobody else wants — the throughput of hashing on an otherwise idle server is unchanged.
//
//   kIdle    SCHED_IDLE: runs only when no normal thread wants the CPU (measured best; default)
//   kBatch   SCHED_BATCH at nice 19: no wake-up preemption of others, a small share under load
//   kNice    SCHED_OTHER at nice 19
//   kNormal  unchanged (as before)
//
// Lowering is always allowed to unprivileged processes; raising it back would not be, which is
// why the pool's threads are lowered once for their whole life rather than around each hash.

#include <cstddef>
#include <string_view>

#include "core/error.h"
#include "core/worker_pool.h"

namespace ordo::auth {

enum class HashPriority { kIdle, kBatch, kNice, kNormal };

[[nodiscard]] Result<HashPriority> ParseHashPriority(std::string_view text);
std::string_view HashPriorityName(HashPriority p);

// Applies `p` to the calling thread.
[[nodiscard]] Status LowerThisThread(HashPriority p);

// Applies `p` to every thread of `pool`, which must be idle (start-up): one task per thread, each
// waiting until all have started, so that no thread runs two of them. Returns the first failure.
[[nodiscard]] Status LowerPoolThreads(WorkerPool& pool, HashPriority p);

}  // namespace ordo::auth
