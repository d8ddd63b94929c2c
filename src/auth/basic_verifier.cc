#include "auth/basic_verifier.h"

#include <sodium.h>

#include <memory>

namespace ordo::auth {
namespace {

bool HintMatches(const std::string& hint, std::string_view secret) {
  std::string candidate = SecretHint(secret);
  return hint.size() == candidate.size() && !hint.empty() &&
         sodium_memcmp(hint.data(), candidate.data(), hint.size()) == 0;
}

// A cached success still stands when the access is usable and the generation it was made under
// is current (or the previous one while its grace period runs).
bool CacheStillValid(const CachedCheck& check, const LiveAccess& a, TimePoint now) {
  if (!a.UsableAt(now)) return false;
  if (!check.previous_secret) return check.generation == a.generation;
  return check.generation == a.generation - 1 && a.PreviousValidAt(now);
}

}  // namespace

std::string_view BasicOutcomeName(BasicOutcome o) {
  switch (o) {
    case BasicOutcome::kAllowed:
      return "allowed";
    case BasicOutcome::kAbandoned:
      return "abandoned";
    case BasicOutcome::kAllowedCached:
      return "allowed_cached";
    case BasicOutcome::kMalformed:
      return "malformed";
    case BasicOutcome::kThrottled:
      return "throttled";
    case BasicOutcome::kOverloaded:
      return "overloaded";
    case BasicOutcome::kUnknownKey:
      return "unknown_key";
    case BasicOutcome::kDisabled:
      return "disabled";
    case BasicOutcome::kExpired:
      return "expired";
    case BasicOutcome::kWrongSecret:
      return "wrong_secret";
  }
  return "unknown";
}

Error InvalidCredentialsError() {
  return Error{ErrorCode::kUnauthenticated, "The access key or secret key is not valid.",
               "invalid-credentials", std::nullopt};
}

BasicVerifier::BasicVerifier(const Clock& clock, const LiveAccessTable& accesses,
                             CredentialCache& cache, Throttle& throttle, WorkerPool& hash_pool,
                             HashParams hash_params)
    : clock_(clock),
      accesses_(accesses),
      cache_(cache),
      throttle_(throttle),
      pool_(hash_pool),
      hash_params_(hash_params) {}

std::optional<VerifiedAccess> BasicVerifier::VerifyCached(std::string_view access_key,
                                                          std::string_view secret) {
  const TimePoint now = clock_.Now();
  auto hit = cache_.Lookup(access_key, secret, now);
  if (!hit) return std::nullopt;
  auto live = accesses_.Find(access_key);
  if (live && CacheStillValid(*hit, *live, now)) {
    return VerifiedAccess{std::move(live), hit->previous_secret};
  }
  cache_.Invalidate(access_key);
  return std::nullopt;
}

void BasicVerifier::Verify(std::string access_key, SecretString secret, std::string address,
                           Done done, std::function<bool()> abandoned) {
  // 2. Cache of successes — looked up before step 1 because only well-formed credentials ever
  // get in, so a hit needs no format or checksum check (a CRC over the secret on every cached
  // request); anything else goes through step 1 next.
  if (auto cached = VerifyCached(access_key, secret.view())) {
    done(std::move(*cached), BasicOutcome::kAllowedCached);
    return;
  }

  // 1. Format and checksum: no look-up, no hash.
  if (!IsWellFormedAccessKey(access_key) || !IsWellFormedSecretKey(secret.view())) {
    return RefuseMalformed(address, done);
  }

  // 3. Throttle.
  if (auto wait = throttle_.RemainingWait(access_key, address)) {
    return RefuseThrottled(*wait, done);
  }

  // 4. Hash, off the I/O thread, on a bounded queue.
  auto task = std::make_shared<std::tuple<std::string, SecretString, std::string, Done>>(
      std::move(access_key), std::move(secret), std::move(address), std::move(done));
  bool queued = pool_.TrySubmit([this, task, abandoned = std::move(abandoned)] {
    auto& [key, sec, addr, cb] = *task;
    // The answer leaves the (idle-priority) hash thread: see Tarpit::Post.
    auto answer = [this, task](Result<VerifiedAccess> r, BasicOutcome o) {
      PostOrAnswer(tarpit_,
                   [task, r = std::move(r), o]() mutable { std::get<3> (*task)(std::move(r), o); });
    };
    if (abandoned && abandoned()) {
      return answer(Fail(ErrorCode::kUnavailable, "the client closed the connection"),
                    BasicOutcome::kAbandoned);
    }
    Decide(key, sec, addr, answer);
  });
  if (!queued) {
    // Held back like a 429 (up to its Retry-After of 1 s): answered at once, a flood that has
    // filled the queue would loop on instant 503s and eat the I/O thread (issue 8, S5).
    HoldOrAnswer(tarpit_, std::chrono::seconds(1), [task]() mutable {
      Error e{ErrorCode::kUnavailable, "The server is busy checking credentials; retry shortly.",
              "overloaded", 1};
      std::get<3> (*task)(Fail(std::move(e)), BasicOutcome::kOverloaded);
    });
  }
}

void BasicVerifier::RefuseMalformed(const std::string& address, const Done& done) {
  // A flood of garbage from a throttled address is refused like any other attempt from it (and
  // held back), rather than answered at once forever.
  if (auto wait = throttle_.RemainingWait("", address)) return RefuseThrottled(*wait, done);
  // Counted per address only: a malformed secret can never succeed, and counting it per key
  // would let anyone throttle a key without even trying a plausible secret.
  throttle_.RecordFailure("", address);
  done(Fail(InvalidCredentialsError()), BasicOutcome::kMalformed);
}

void BasicVerifier::RefuseThrottled(std::chrono::nanoseconds wait, const Done& done) {
  HoldOrAnswer(tarpit_, wait, [done, e = TooManyAttemptsError(wait)]() mutable {
    done(Fail(std::move(e)), BasicOutcome::kThrottled);
  });
}

void BasicVerifier::Decide(const std::string& access_key, const SecretString& secret,
                           const std::string& address, const Done& done) {
  // The queue may have changed the answer while this attempt waited, and asking again costs a
  // microsecond against a hash's milliseconds:
  // - an identical request queued earlier succeeded: served from the cache (a burst of one
  //   uncached credential pays one hash, not one per request);
  if (auto cached = VerifyCached(access_key, secret.view())) {
    return done(std::move(*cached), BasicOutcome::kAllowedCached);
  }
  // - failures queued earlier crossed a threshold: refused like any throttled attempt. Without
  //   this, a flood of wrong secrets on N connections buys N hashes each time a back-off ends.
  if (auto wait = throttle_.RemainingWait(access_key, address)) {
    return RefuseThrottled(*wait, done);
  }
  // Read the table now, not at submit time: a change committed while queued must count.
  auto live = accesses_.Find(access_key);
  if (!live && load_missing_) live = load_missing_(access_key);  // issue 7
  TimePoint now = clock_.Now();
  BasicOutcome outcome = BasicOutcome::kWrongSecret;
  bool previous = false;
  bool ok = false;
  if (!live) {
    BurnDummyVerify(secret.view(), hash_params_);
    outcome = BasicOutcome::kUnknownKey;
  } else if (!live->enabled) {
    BurnDummyVerify(secret.view(), hash_params_);
    outcome = BasicOutcome::kDisabled;
  } else if (live->expires_at && now >= *live->expires_at) {
    BurnDummyVerify(secret.view(), hash_params_);
    outcome = BasicOutcome::kExpired;
  } else {
    previous = !HintMatches(live->secret_hint, secret.view()) && live->PreviousValidAt(now) &&
               HintMatches(live->previous_secret_hint, secret.view());
    ok = VerifyPassword(previous ? live->previous_secret_hash : live->secret_hash, secret.view());
    if (ok) outcome = BasicOutcome::kAllowed;
  }
  if (!ok) {
    throttle_.RecordFailure(access_key, address);
    done(Fail(InvalidCredentialsError()), outcome);
    return;
  }
  throttle_.RecordSuccess(access_key);
  // The previous secret belongs to the generation before the current one.
  long long generation = previous ? live->generation - 1 : live->generation;
  cache_.Insert(access_key, secret.view(), CachedCheck{generation, previous});
  done(VerifiedAccess{live, previous}, outcome);
}

}  // namespace ordo::auth
