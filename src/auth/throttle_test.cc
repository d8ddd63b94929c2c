#include "auth/throttle.h"

#include <gtest/gtest.h>

namespace ordo::auth {
namespace {

using std::chrono::seconds;

class ThrottleTest : public ::testing::Test {
 protected:
  void Fail(int n, std::string_view subject = "key", std::string_view address = "10.0.0.1") {
    for (int i = 0; i < n; ++i) throttle.RecordFailure(subject, address);
  }
  FakeClock clock;
  Throttle throttle{clock, ThrottleConfig{}};
};

TEST_F(ThrottleTest, BelowThresholdIsAllowed) {
  Fail(4);
  EXPECT_EQ(throttle.Check("key", "10.0.0.1"), std::nullopt);
}

TEST_F(ThrottleTest, FifthFailureThrottlesForThreeSeconds) {
  Fail(5);
  EXPECT_EQ(throttle.Check("key", "10.0.0.2"), 3);
  clock.Advance(seconds(2));
  EXPECT_EQ(throttle.Check("key", "10.0.0.2"), 1);
  clock.Advance(seconds(1));
  EXPECT_EQ(throttle.Check("key", "10.0.0.2"), std::nullopt);
}

TEST_F(ThrottleTest, OtherSubjectsUnaffected) {
  Fail(5);
  EXPECT_EQ(throttle.Check("other", "10.0.0.2"), std::nullopt);
}

TEST_F(ThrottleTest, BackoffDoublesPerCheckedFailureUpToSixty) {
  Fail(5);
  int expected[] = {6, 12, 24, 48, 60, 60};
  for (int want : expected) {
    auto wait = throttle.Check("key", "");
    ASSERT_TRUE(wait.has_value());
    clock.Advance(seconds(*wait));
    ASSERT_EQ(throttle.Check("key", ""), std::nullopt);
    Fail(1);  // a checked failure
    EXPECT_EQ(throttle.Check("key", ""), want);
  }
}

TEST_F(ThrottleTest, RefusedAttemptsDoNotExtendBackoff) {
  Fail(5);
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(throttle.Check("key", "").has_value());  // refused, nothing recorded
  }
  clock.Advance(seconds(3));
  EXPECT_EQ(throttle.Check("key", ""), std::nullopt);
}

TEST_F(ThrottleTest, SuccessResetsSubjectCount) {
  Fail(4);
  throttle.RecordSuccess("key");
  Fail(4);
  EXPECT_EQ(throttle.Check("key", ""), std::nullopt);
  Fail(1);
  EXPECT_EQ(throttle.Check("key", ""), 3);
}

TEST_F(ThrottleTest, SuccessDoesNotResetAddress) {
  for (int i = 0; i < 100; ++i) throttle.RecordFailure("k" + std::to_string(i), "10.0.0.9");
  throttle.RecordSuccess("k1");
  EXPECT_EQ(throttle.Check("fresh", "10.0.0.9"), 3);
}

TEST_F(ThrottleTest, AddressThresholdIsHundredAcrossSubjects) {
  for (int i = 0; i < 99; ++i) throttle.RecordFailure("k" + std::to_string(i), "10.0.0.9");
  EXPECT_EQ(throttle.Check("fresh", "10.0.0.9"), std::nullopt);
  throttle.RecordFailure("k99", "10.0.0.9");
  EXPECT_EQ(throttle.Check("fresh", "10.0.0.9"), 3);
  EXPECT_EQ(throttle.Check("fresh", "10.0.0.8"), std::nullopt);
}

TEST_F(ThrottleTest, WindowExpiryForgetsFailures) {
  Fail(4);
  clock.Advance(seconds(15 * 60));
  Fail(1);
  EXPECT_EQ(throttle.Check("key", ""), std::nullopt);
}

TEST_F(ThrottleTest, NoPermanentLockout) {
  Fail(50);  // a long attack
  auto wait = throttle.Check("key", "");
  ASSERT_TRUE(wait.has_value());
  EXPECT_LE(*wait, 60);
  clock.Advance(seconds(60));
  EXPECT_EQ(throttle.Check("key", ""), std::nullopt);
}

TEST_F(ThrottleTest, ConfigurableThresholds) {
  Throttle strict(clock, ThrottleConfig{.subject_threshold = 2, .address_threshold = 3});
  strict.RecordFailure("a", "x");
  EXPECT_EQ(strict.Check("a", ""), std::nullopt);
  strict.RecordFailure("a", "x");
  EXPECT_EQ(strict.Check("a", ""), 3);
  strict.RecordFailure("b", "x");
  EXPECT_EQ(strict.Check("c", "x"), 3);
}

TEST_F(ThrottleTest, RetryAfterRoundsUp) {
  Fail(5);
  clock.Advance(std::chrono::milliseconds(2500));
  EXPECT_EQ(throttle.Check("key", ""), 1);
  clock.Advance(std::chrono::milliseconds(400));
  EXPECT_EQ(throttle.Check("key", ""), 1);
}

TEST_F(ThrottleTest, BoundedEntriesEvictOldest) {
  Throttle small(clock, ThrottleConfig{.subject_threshold = 1, .max_entries = 2});
  small.RecordFailure("a", "");
  clock.Advance(seconds(1));
  small.RecordFailure("b", "");
  clock.Advance(seconds(1));
  small.RecordFailure("c", "");  // evicts "a"
  EXPECT_EQ(small.Check("a", ""), std::nullopt);
  EXPECT_TRUE(small.Check("b", "").has_value());
  EXPECT_TRUE(small.Check("c", "").has_value());
}

TEST_F(ThrottleTest, FullTableDropsTheOldestEighthAtOnce) {
  // A long back-off, so that every entry still in the table answers "wait".
  Throttle t(clock, ThrottleConfig{.subject_threshold = 1,
                                   .base_backoff = seconds(100),
                                   .max_backoff = seconds(100),
                                   .max_entries = 16});
  for (int i = 0; i < 16; ++i) {
    t.RecordFailure("s" + std::to_string(i), "");
    clock.Advance(seconds(1));
  }
  t.RecordFailure("new", "");  // table full: s0 and s1 (the oldest 16/8) go
  EXPECT_EQ(t.Check("s0", ""), std::nullopt);
  EXPECT_EQ(t.Check("s1", ""), std::nullopt);
  for (int i = 2; i < 16; ++i) EXPECT_TRUE(t.Check("s" + std::to_string(i), "").has_value()) << i;
  EXPECT_TRUE(t.Check("new", "").has_value());
}

}  // namespace
}  // namespace ordo::auth
