#include "core/clock.h"

#include <gtest/gtest.h>

namespace ordo {
namespace {

TEST(Clock, FormatsRfc3339InUtc) {
  EXPECT_EQ(FormatRfc3339(FromUnixSeconds(1795935300)), "2026-11-29T06:55:00Z");
}

TEST(Clock, ParsesZuluAndOffsets) {
  TimePoint t;
  ASSERT_TRUE(ParseRfc3339("2026-11-29T06:55:00Z", &t));
  EXPECT_EQ(UnixSeconds(t), 1795935300);
  ASSERT_TRUE(ParseRfc3339("2026-11-29T07:55:00.250+01:00", &t));
  EXPECT_EQ(UnixSeconds(t), 1795935300);
}

TEST(Clock, RejectsMalformedTimes) {
  TimePoint t;
  EXPECT_FALSE(ParseRfc3339("2026-11-29", &t));
  EXPECT_FALSE(ParseRfc3339("2026-13-29T06:55:00Z", &t));
  EXPECT_FALSE(ParseRfc3339("2026-11-29T06:55:00", &t));
  EXPECT_FALSE(ParseRfc3339("2026-11-29T06:55:00Zjunk", &t));
}

TEST(Clock, FakeClockMoves) {
  FakeClock clock;
  const TimePoint before = clock.Now();
  clock.Advance(std::chrono::seconds(90));
  EXPECT_EQ(clock.Now() - before, std::chrono::seconds(90));
}

}  // namespace
}  // namespace ordo
