#pragma once
// Failure throttle for credential checks (API.md section 3.1; issue 2 item 6). One class serves
// both HTTP Basic (subject = access key) and the web login (subject = username); each use has its
// own instance.
//
// Rule: failures are counted per subject and per client address in a window that starts at the
// first failure (default 15 minutes). Once a count reaches its threshold (default 5 per subject,
// 100 per address), attempts are refused until a back-off has passed since the last *checked*
// failure: 3 s, doubling with each further checked failure, at most 60 s. Attempts refused by the
// throttle are not recorded and so never extend the back-off: the rightful owner is never locked
// out for longer than the cap. A success resets the subject's count (not the address's: one
// valid key must not whitewash an address that sprays others).
//
// Memory is bounded: at most `max_entries` subjects and as many addresses; when full, expired
// entries go first, then the eighth whose last failure is oldest.
//
// Thread-safe (one mutex; every operation is O(1) except the rare eviction scan).

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/error.h"

namespace ordo::auth {

struct ThrottleConfig {
  int subject_threshold = 5;
  int address_threshold = 100;
  std::chrono::seconds window{15 * 60};
  std::chrono::seconds base_backoff{3};
  std::chrono::seconds max_backoff{60};
  std::size_t max_entries = 100'000;
};

class Throttle {
 public:
  Throttle(const Clock& clock, ThrottleConfig config);
  Throttle(const Throttle&) = delete;
  Throttle& operator=(const Throttle&) = delete;

  // Seconds to wait (for Retry-After, at least 1) when an attempt for `subject` from `address`
  // must be refused now; std::nullopt when it may be checked. Either may be empty (not counted).
  std::optional<int> Check(std::string_view subject, std::string_view address);
  // The same decision with the exact remaining back-off (Check rounds it up to whole seconds).
  std::optional<std::chrono::nanoseconds> RemainingWait(std::string_view subject,
                                                        std::string_view address);
  // A checked attempt failed.
  void RecordFailure(std::string_view subject, std::string_view address);
  // A checked attempt succeeded: the subject's count starts over.
  void RecordSuccess(std::string_view subject);

  const ThrottleConfig& config() const { return config_; }

  // Whole seconds for Retry-After: rounded up (a client that waits exactly that long must not be
  // refused again), at least 1.
  static int RetryAfterSeconds(std::chrono::nanoseconds wait);

 private:
  struct Entry {
    int count = 0;
    TimePoint window_start;
    TimePoint last_failure;
  };
  using Table = std::unordered_map<std::string, Entry>;

  // Remaining wait for one entry, or nullopt when not throttled.
  std::optional<std::chrono::nanoseconds> WaitFor(Table& table, std::string_view key, int threshold,
                                                  TimePoint now);
  void Bump(Table& table, std::string_view key, TimePoint now);
  bool Expired(const Entry& e, TimePoint now) const;

  const Clock& clock_;
  const ThrottleConfig config_;
  std::mutex mu_;
  Table subjects_;
  Table addresses_;
};

// The 429 answer for an attempt refused with `wait` left (problem too-many-attempts,
// Retry-After rounded up).
Error TooManyAttemptsError(std::chrono::nanoseconds wait);

}  // namespace ordo::auth
