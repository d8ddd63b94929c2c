#include "auth/throttle.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace ordo::auth {

Throttle::Throttle(const Clock& clock, ThrottleConfig config) : clock_(clock), config_(config) {}

bool Throttle::Expired(const Entry& e, TimePoint now) const {
  return now - e.window_start >= config_.window;
}

std::optional<std::chrono::nanoseconds> Throttle::WaitFor(Table& table, std::string_view key,
                                                          int threshold, TimePoint now) {
  if (key.empty() || threshold <= 0) return std::nullopt;
  auto it = table.find(std::string(key));
  if (it == table.end()) return std::nullopt;
  if (Expired(it->second, now)) {
    table.erase(it);
    return std::nullopt;
  }
  const Entry& e = it->second;
  if (e.count < threshold) return std::nullopt;
  // 3 s after the threshold-th failure, 6 s after the next, ... capped.
  int doublings = std::min(e.count - threshold, 30);
  auto backoff = std::min<std::chrono::nanoseconds>(config_.base_backoff * (1LL << doublings),
                                                    config_.max_backoff);
  auto until = e.last_failure + backoff;
  if (now >= until) return std::nullopt;
  return until - now;
}

std::optional<std::chrono::nanoseconds> Throttle::RemainingWait(std::string_view subject,
                                                                std::string_view address) {
  TimePoint now = clock_.Now();
  std::lock_guard lock(mu_);
  auto a = WaitFor(subjects_, subject, config_.subject_threshold, now);
  auto b = WaitFor(addresses_, address, config_.address_threshold, now);
  if (!a && !b) return std::nullopt;
  return std::max(a.value_or(std::chrono::nanoseconds{0}), b.value_or(std::chrono::nanoseconds{0}));
}

std::optional<int> Throttle::Check(std::string_view subject, std::string_view address) {
  auto wait = RemainingWait(subject, address);
  if (!wait) return std::nullopt;
  return RetryAfterSeconds(*wait);
}

int Throttle::RetryAfterSeconds(std::chrono::nanoseconds wait) {
  auto secs = std::chrono::ceil<std::chrono::seconds>(wait).count();
  return static_cast<int>(std::max<long long>(secs, 1));
}

Error TooManyAttemptsError(std::chrono::nanoseconds wait) {
  return Error{ErrorCode::kResourceExhausted, "Too many failed attempts; retry later.",
               "too-many-attempts", Throttle::RetryAfterSeconds(wait)};
}

void Throttle::Bump(Table& table, std::string_view key, TimePoint now) {
  if (key.empty()) return;
  auto it = table.find(std::string(key));
  if (it == table.end()) {
    if (table.size() >= config_.max_entries) {
      std::erase_if(table, [&](const auto& kv) { return Expired(kv.second, now); });
    }
    if (table.size() >= config_.max_entries) {
      // Drop the oldest eighth in one pass, so that a flood of new subjects costs amortised O(1)
      // per failure instead of a full scan each.
      std::vector<std::pair<TimePoint, std::string>> by_age;
      by_age.reserve(table.size());
      for (const auto& [k, e] : table) by_age.emplace_back(e.last_failure, k);
      const std::size_t drop = std::max<std::size_t>(1, table.size() / 8);
      std::nth_element(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(drop - 1),
                       by_age.end());
      for (std::size_t i = 0; i < drop; ++i) table.erase(by_age[i].second);
    }
    it = table.emplace(std::string(key), Entry{0, now, now}).first;
  } else if (Expired(it->second, now)) {
    it->second = Entry{0, now, now};
  }
  ++it->second.count;
  it->second.last_failure = now;
}

void Throttle::RecordFailure(std::string_view subject, std::string_view address) {
  TimePoint now = clock_.Now();
  std::lock_guard lock(mu_);
  Bump(subjects_, subject, now);
  Bump(addresses_, address, now);
}

void Throttle::RecordSuccess(std::string_view subject) {
  std::lock_guard lock(mu_);
  subjects_.erase(std::string(subject));
}

}  // namespace ordo::auth
