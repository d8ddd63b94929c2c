#pragma once
// A fixed set of threads draining a bounded queue. Used for work that must not run on the
// I/O threads (argon2id hashes, slow jobs). TrySubmit never blocks: when the queue is full it
// returns false and the caller answers 503 at once instead of growing a queue.
// Thread-safe. The destructor finishes queued work and joins the threads.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ordo {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t queue_capacity);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false when `queue_capacity` tasks are already waiting or the pool stopped.
  [[nodiscard]] bool TrySubmit(std::function<void()> task);
  // Tasks waiting plus tasks running.
  std::size_t InFlight() const;
  std::size_t Queued() const;
  std::size_t threads() const { return threads_.size(); }
  // Stops taking work, runs what is queued, joins. Idempotent.
  void Shutdown();

 private:
  void Run();

  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ordo
