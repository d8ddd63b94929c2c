#include "auth/tarpit.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "auth/hash_priority.h"

namespace ordo::auth {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

TEST(TarpitTest, ZeroDelayAnswersInline) {
  Tarpit tarpit(0ms);
  bool ran = false;
  tarpit.Hold(10s, [&] { ran = true; });
  EXPECT_TRUE(ran);
  EXPECT_EQ(tarpit.held(), 0u);
}

TEST(TarpitTest, AnswerWaitsForTheDelay) {
  Tarpit tarpit(80ms);
  std::promise<Steady::time_point> answered;
  const auto start = Steady::now();
  tarpit.Hold(10s, [&] { answered.set_value(Steady::now()); });
  EXPECT_EQ(tarpit.held(), 1u);
  const auto at = answered.get_future().get();
  EXPECT_GE(at - start, 80ms);
  EXPECT_LT(at - start, 2s);
}

TEST(TarpitTest, NeverLaterThanTheBound) {
  Tarpit tarpit(10s);
  std::promise<Steady::time_point> answered;
  const auto start = Steady::now();
  tarpit.Hold(50ms, [&] { answered.set_value(Steady::now()); });
  const auto at = answered.get_future().get();
  EXPECT_GE(at - start, 50ms);
  EXPECT_LT(at - start, 5s);
}

TEST(TarpitTest, NoBoundLeftAnswersInline) {
  Tarpit tarpit(1s);
  bool ran = false;
  tarpit.Hold(0ns, [&] { ran = true; });
  EXPECT_TRUE(ran);
}

TEST(TarpitTest, AnswersHeldWhileTheThreadWaitsAreAllDelivered) {
  // The tarpit's thread waits for the first answer's due time while other threads hold many
  // later ones (the queue's storage is reallocated under the waiting thread: AddressSanitizer
  // caught a deadline read from the old storage after the wait).
  Tarpit tarpit(30ms, 1000);
  constexpr int kHeld = 200;
  std::atomic<int> answered{0};
  std::promise<void> all;
  auto answer = [&] {
    if (answered.fetch_add(1) + 1 == kHeld) all.set_value();
  };
  tarpit.Hold(10s, answer);
  std::vector<std::thread> holders;
  holders.reserve(4);
  for (int t = 0; t < 4; ++t) {
    holders.emplace_back([&, t] {
      for (int i = 0; i < kHeld / 4 - (t == 0 ? 1 : 0); ++i) tarpit.Hold(10s, answer);
    });
  }
  for (auto& h : holders) h.join();
  ASSERT_EQ(all.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(answered.load(), kHeld);
  EXPECT_EQ(tarpit.held(), 0u);
}

TEST(TarpitTest, EarlierDueAnswersFirst) {
  Tarpit tarpit(10s);
  std::mutex mu;
  std::vector<int> order;
  std::promise<void> both;
  auto note = [&](int i) {
    std::lock_guard lock(mu);
    order.push_back(i);
    if (order.size() == 2) both.set_value();
  };
  tarpit.Hold(150ms, [&] { note(1); });
  tarpit.Hold(30ms, [&] { note(2); });
  both.get_future().wait();
  EXPECT_EQ(order, (std::vector<int>{2, 1}));
}

TEST(TarpitTest, FullTarpitAnswersInline) {
  Tarpit tarpit(10s, /*max_held=*/1);
  std::atomic<int> ran = 0;
  tarpit.Hold(10s, [&] { ++ran; });
  EXPECT_EQ(ran, 0);
  tarpit.Hold(10s, [&] { ++ran; });  // over the bound: at once
  EXPECT_EQ(ran, 1);
  tarpit.Stop();
  EXPECT_EQ(ran, 2);
}

TEST(TarpitTest, StopAnswersEverythingHeldAtOnce) {
  Tarpit tarpit(60s);
  std::atomic<int> ran = 0;
  for (int i = 0; i < 5; ++i) tarpit.Hold(60s, [&] { ++ran; });
  const auto start = Steady::now();
  tarpit.Stop();
  EXPECT_EQ(ran, 5);
  EXPECT_LT(Steady::now() - start, 5s);
  tarpit.Hold(60s, [&] { ++ran; });  // after Stop: inline
  EXPECT_EQ(ran, 6);
}

TEST(TarpitTest, PostRunsSoonOnTheTimerThread) {
  Tarpit tarpit(10s);
  std::promise<std::thread::id> ran_on;
  tarpit.Hold(10s, [] {});  // a held answer does not delay a posted one
  const auto start = Steady::now();
  tarpit.Post([&] { ran_on.set_value(std::this_thread::get_id()); });
  EXPECT_NE(ran_on.get_future().get(), std::this_thread::get_id());
  EXPECT_LT(Steady::now() - start, 2s);
}

TEST(TarpitTest, AnswersRunAtTheOwnersPriorityNotThePosters) {
  Tarpit tarpit(1s);  // made on this normal-priority thread
  std::promise<int> policy;
  std::thread([&] {
    ASSERT_TRUE(LowerThisThread(HashPriority::kIdle).has_value());  // like a hash thread
    tarpit.Post([&] { policy.set_value(sched_getscheduler(0)); });
  }).join();
  EXPECT_EQ(policy.get_future().get(), SCHED_OTHER);
}

}  // namespace
}  // namespace ordo::auth
