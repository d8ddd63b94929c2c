#pragma once
// Remembers successful Basic checks so that a client that keeps sending Basic pays the argon2id
// hash once per TTL instead of on every call (API.md section 3.1).
//
// Entries are keyed by HMAC-SHA256(per-process random key, access key || 0x00 || secret): the
// plaintext secret is never stored, and the key dies with the process, so a memory dump of the
// cache alone does not allow an offline guess. Only successes go in. An entry records the access
// generation it was made under; the caller checks it against the live-access table, and the
// access service drops an access's entries at once on delete, disable, narrowing or regeneration.
//
// Bounded: at most `max_entries`; when full, expired entries go first, then the oldest.
// `max_entries` 0 turns the cache off: nothing is remembered, every Basic check pays the hash
// (--credential-cache-entries 0; the benchmark measures the hash path that way).
// Thread-safe (one mutex; look-ups are O(1)).

#include <chrono>
#include <cstddef>
#include <cstring>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/hmac_sha256.h"
#include "core/clock.h"

namespace ordo::auth {

struct CachedCheck {
  long long generation = 0;
  // True when the secret matched the previous secret (grace period) rather than the current one.
  bool previous_secret = false;
};

class CredentialCache {
 public:
  CredentialCache(const Clock& clock, std::size_t max_entries,
                  std::chrono::seconds ttl = std::chrono::minutes(5));
  ~CredentialCache();
  CredentialCache(const CredentialCache&) = delete;
  CredentialCache& operator=(const CredentialCache&) = delete;

  // `now` is the caller's reading of the clock (a cached Basic request reads it once).
  std::optional<CachedCheck> Lookup(std::string_view access_key, std::string_view secret,
                                    TimePoint now);
  void Insert(std::string_view access_key, std::string_view secret, CachedCheck check);
  // Drops every entry of that access.
  void Invalidate(std::string_view access_key);
  void Clear();
  std::size_t size() const;
  bool enabled() const { return max_entries_ > 0; }

 private:
  using Fingerprint = HmacSha256::Digest;
  struct FingerprintHash {
    // A MAC's bytes are uniformly distributed: any eight of them make a good hash.
    std::size_t operator()(const Fingerprint& f) const {
      std::size_t h = 0;
      std::memcpy(&h, f.data(), sizeof h);
      return h;
    }
  };
  struct Entry {
    std::string access_key;  // for Invalidate
    CachedCheck check;
    TimePoint expires;
    std::list<Fingerprint>::iterator order;  // position in insertion_order_
  };
  using Entries = std::unordered_map<Fingerprint, Entry, FingerprintHash>;

  Fingerprint FingerprintOf(std::string_view access_key, std::string_view secret) const;
  void EraseLocked(Entries::iterator it);

  const Clock& clock_;
  const std::size_t max_entries_;
  const std::chrono::seconds ttl_;
  HmacSha256 mac_;  // under a random per-process key
  mutable std::mutex mu_;
  Entries entries_;
  std::list<Fingerprint> insertion_order_;  // oldest first
};

}  // namespace ordo::auth
