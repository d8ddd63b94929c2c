#pragma once
// Time source. Production code takes a Clock& so that tests can move time with FakeClock
// instead of sleeping. SystemClock is stateless and thread-safe; FakeClock is thread-safe.

#include <atomic>
#include <chrono>
#include <string>

namespace ordo {

using TimePoint = std::chrono::system_clock::time_point;
using Seconds = std::chrono::seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  static SystemClock& Instance();
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint{std::chrono::seconds{1'800'000'000}})
      : now_ns_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint{TimePoint::duration{now_ns_.load()}}; }
  void Advance(std::chrono::nanoseconds by) {
    now_ns_ += std::chrono::duration_cast<TimePoint::duration>(by).count();
  }

 private:
  std::atomic<TimePoint::rep> now_ns_;
};

// RFC 3339 in UTC with second precision: "2026-11-29T10:15:00Z".
std::string FormatRfc3339(TimePoint t);
// Parses RFC 3339 ("Z" or "+hh:mm" offsets, optional fraction). Returns false on bad input.
bool ParseRfc3339(const std::string& text, TimePoint* out);
// Seconds since the Unix epoch.
long long UnixSeconds(TimePoint t);
TimePoint FromUnixSeconds(long long s);

}  // namespace ordo
