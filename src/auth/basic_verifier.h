#pragma once
// The HTTP Basic verification pipeline (API.md section 3.1, issue 3 item 3), one stage after the
// other, with one deny path:
//
//   format/checksum  malformed access key or secret        → deny (counted per address), no hash;
//                    from an address past its threshold    → 429 like below (held back too)
//   cache            a remembered success for these exact credentials, still matching the live
//                    access (generation, enabled, not expired)  → allow, no hash, even when
//                    throttled (API.md: a cached credential is served while throttled)
//   throttle         key or address past its threshold     → 429 Retry-After, no hash, not counted;
//                    the answer is held back by the Tarpit (at most the remaining back-off), so
//                    that a flood of refused attempts cannot loop at full speed
//   hash             on the WorkerPool; queue full          → 503 Retry-After at once;
//                    when the attempt leaves the queue, cache and throttle are asked again (an
//                    identical request may have succeeded, queued failures may have crossed a
//                    threshold) before any hash runs
//                    unknown, disabled or expired access    → a dummy hash of the same cost, deny
//                    exactly one argon2id verify otherwise (the secret's last 4 characters pick
//                    current or previous secret during a grace period, so both paths cost one
//                    hash)
//   decide           success → reset the key's throttle count, remember in the cache; failure →
//                    count it for key and address; deny
//
// The cache sits before the throttle (not after, as the list reads) because API.md
// requires cached successes to be served even while the key is throttled; it costs one HMAC.
// It is even consulted before the format check: only well-formed credentials ever get in, so a
// hit skips the checksum, and a miss goes through the stages in the order above.
//
// Thread-safe. Borrows everything it is given; all of it must outlive the verifier and any
// verification still running on the pool.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "auth/credential_cache.h"
#include "auth/live_access_table.h"
#include "auth/password_hash.h"
#include "auth/secrets.h"
#include "auth/tarpit.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/worker_pool.h"

namespace ordo::auth {

// What happened, for the audit log and metrics (never shown to the client: all denials look
// alike).
enum class BasicOutcome {
  kAllowed,        // hash checked, matched
  kAllowedCached,  // served from the cache
  kMalformed,
  kThrottled,
  kOverloaded,
  kUnknownKey,
  kDisabled,
  kExpired,
  kWrongSecret,
  kAbandoned,  // the client hung up while the attempt waited for a hash thread
};
std::string_view BasicOutcomeName(BasicOutcome o);

struct VerifiedAccess {
  LiveAccessTable::Ptr access;   // the snapshot the decision was made on
  bool previous_secret = false;  // matched the previous secret in its grace period
};

// The single denial every failed check answers with (same problem, same detail).
Error InvalidCredentialsError();

class BasicVerifier {
 public:
  using Done = std::function<void(Result<VerifiedAccess>, BasicOutcome)>;

  BasicVerifier(const Clock& clock, const LiveAccessTable& accesses, CredentialCache& cache,
                Throttle& throttle, WorkerPool& hash_pool, HashParams hash_params);

  // Calls `done` exactly once: inline for format, cache, throttle and overload answers, on the
  // tarpit's thread (or the hash-pool thread without one) otherwise. `address` is the client's
  // address for the per-address count.
  // `abandoned`, when given, is asked when the attempt leaves the hash queue: true (the client
  // hung up meanwhile) answers kAbandoned without a hash, uncounted, so that a burst of
  // requests whose clients left does not keep the hash threads and the queue busy.
  void Verify(std::string access_key, SecretString secret, std::string address, Done done,
              std::function<bool()> abandoned = nullptr);

  // The cache stage alone, synchronous and without a copy of the credentials: the access when a
  // success with exactly these credentials is remembered and still stands (as Verify would
  // answer kAllowedCached), nullopt otherwise — then Verify decides (and asks the cache again,
  // one HMAC). For the path of a client that keeps sending the same Basic credentials.
  std::optional<VerifiedAccess> VerifyCached(std::string_view access_key, std::string_view secret);

  // Issue 7 (several nodes): called on the pool for a well-formed key missing from the table,
  // which may have been created on another node a few milliseconds ago; returns its entry
  // (published to the table) or null. Set once before the first Verify.
  using MissLoader = std::function<LiveAccessTable::Ptr(const std::string& access_key)>;
  void SetMissLoader(MissLoader loader) { load_missing_ = std::move(loader); }

  // Holds back 429 answers and delivers the hash threads' answers on its own thread (see
  // tarpit.h). Optional; without it 429s are answered at once and hash results on the hash
  // thread. Set once before the first Verify; borrowed, must outlive the verifier.
  void SetTarpit(Tarpit* tarpit) { tarpit_ = tarpit; }

  // The denial for credentials that cannot even be parsed (the Authorization header is not
  // base64 "key:secret"): counted per address like a malformed secret, 429 once the address is
  // throttled. Calls `done` exactly once.
  void RefuseMalformed(const std::string& address, const Done& done);

 private:
  // Answers 429 for a throttled attempt, through the tarpit when there is one.
  void RefuseThrottled(std::chrono::nanoseconds wait, const Done& done);
  // Runs on the pool.
  void Decide(const std::string& access_key, const SecretString& secret, const std::string& address,
              const Done& done);

  const Clock& clock_;
  const LiveAccessTable& accesses_;
  CredentialCache& cache_;
  Throttle& throttle_;
  WorkerPool& pool_;
  const HashParams hash_params_;
  MissLoader load_missing_;  // issue 7, optional
  Tarpit* tarpit_ = nullptr;
};

}  // namespace ordo::auth
