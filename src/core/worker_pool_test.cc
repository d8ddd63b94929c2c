#include "core/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace ordo {
namespace {

TEST(WorkerPool, RunsSubmittedTasks) {
  WorkerPool pool(2, 16);
  std::atomic<int> done{0};
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(pool.TrySubmit([&] { ++done; }));
  pool.Shutdown();
  EXPECT_EQ(done.load(), 10);
}

TEST(WorkerPool, RefusesWhenQueueIsFull) {
  // Declared before the pool so that they outlive its threads (the pool joins in its destructor).
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  WorkerPool pool(1, 1);
  ASSERT_TRUE(pool.TrySubmit([&] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();          // the one thread is busy
  ASSERT_TRUE(pool.TrySubmit([] {}));   // fills the queue of one
  EXPECT_FALSE(pool.TrySubmit([] {}));  // refused at once, no blocking
  EXPECT_EQ(pool.InFlight(), 2u);
  release.set_value();
}

TEST(WorkerPool, RefusesAfterShutdown) {
  WorkerPool pool(1, 4);
  pool.Shutdown();
  EXPECT_FALSE(pool.TrySubmit([] {}));
}

}  // namespace
}  // namespace ordo
