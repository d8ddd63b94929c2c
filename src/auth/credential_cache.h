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
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace ordo::auth {

struct CachedCheck {
  std::string access_key;
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

  std::optional<CachedCheck> Lookup(std::string_view access_key, std::string_view secret);
  void Insert(std::string_view access_key, std::string_view secret, CachedCheck check);
  // Drops every entry of that access.
  void Invalidate(std::string_view access_key);
  void Clear();
  std::size_t size() const;
  bool enabled() const { return max_entries_ > 0; }

 private:
  struct Entry {
    CachedCheck check;
    TimePoint expires;
    std::list<std::string>::iterator order;  // position in insertion_order_
  };

  std::string Fingerprint(std::string_view access_key, std::string_view secret) const;
  void EraseLocked(std::unordered_map<std::string, Entry>::iterator it);

  const Clock& clock_;
  const std::size_t max_entries_;
  const std::chrono::seconds ttl_;
  unsigned char hmac_key_[32];  // crypto_auth_hmacsha256_KEYBYTES; wiped in the destructor
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> insertion_order_;  // oldest first
};

}  // namespace ordo::auth
