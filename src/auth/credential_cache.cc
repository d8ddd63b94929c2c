#include "auth/credential_cache.h"

#include <sodium.h>

#include <vector>

namespace ordo::auth {

CredentialCache::CredentialCache(const Clock& clock, std::size_t max_entries,
                                 std::chrono::seconds ttl)
    : clock_(clock), max_entries_(max_entries), ttl_(ttl) {}

CredentialCache::~CredentialCache() = default;

CredentialCache::Fingerprint CredentialCache::FingerprintOf(std::string_view access_key,
                                                            std::string_view secret) const {
  // The separator makes ("ab", "c") and ("a", "bc") different; access keys never hold NUL.
  return mac_.Mac({access_key, std::string_view("\0", 1), secret});
}

void CredentialCache::EraseLocked(Entries::iterator it) {
  insertion_order_.erase(it->second.order);
  entries_.erase(it);
}

std::optional<CachedCheck> CredentialCache::Lookup(std::string_view access_key,
                                                   std::string_view secret, TimePoint now) {
  if (!enabled()) return std::nullopt;  // and no MAC to compute
  const Fingerprint fp = FingerprintOf(access_key, secret);
  std::lock_guard lock(mu_);
  auto it = entries_.find(fp);
  if (it == entries_.end()) return std::nullopt;
  if (now >= it->second.expires) {
    EraseLocked(it);
    return std::nullopt;
  }
  return it->second.check;
}

void CredentialCache::Insert(std::string_view access_key, std::string_view secret,
                             CachedCheck check) {
  if (!enabled()) return;
  const Fingerprint fp = FingerprintOf(access_key, secret);
  TimePoint expires = clock_.Now() + ttl_;
  std::lock_guard lock(mu_);
  auto it = entries_.find(fp);
  if (it != entries_.end()) EraseLocked(it);
  // Entries all live ttl_, so the oldest inserted is also the first to expire.
  while (entries_.size() >= max_entries_) EraseLocked(entries_.find(insertion_order_.front()));
  insertion_order_.push_back(fp);
  entries_.emplace(
      fp, Entry{std::string(access_key), check, expires, std::prev(insertion_order_.end())});
}

void CredentialCache::Invalidate(std::string_view access_key) {
  std::lock_guard lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.access_key == access_key) {
      auto next = std::next(it);
      EraseLocked(it);
      it = next;
    } else {
      ++it;
    }
  }
}

void CredentialCache::Clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
  insertion_order_.clear();
}

std::size_t CredentialCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace ordo::auth
