#pragma once
// In-memory view of every REST access: what the Basic and Bearer checks consult on each request
// instead of the database (issue 3 item 4). The access service updates it right after a change
// commits and before it answers, so the very next request sees the change; a periodic reload from
// the store keeps other nodes' changes in (see AccessService).
//
// Entries are immutable snapshots shared by pointer: a reader keeps a consistent view of one
// access even while a writer replaces it.
//
// Thread-safe: a shared_mutex, readers never block each other.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace ordo::auth {

struct LiveAccess {
  std::string id;          // internal row id
  std::string access_key;  // public identifier, "ordo_ak_..."
  std::string name;
  std::string right;  // reader | operator | designer | admin | custom
  std::set<std::string> scopes;
  bool enabled = true;
  std::optional<TimePoint> expires_at;  // nullopt = never
  // Incremented by every secret regeneration: tokens and cached checks carry the generation they
  // were made under and die with it.
  long long generation = 1;
  std::string secret_hash;  // argon2id PHC of the current secret
  std::string secret_hint;  // last 4 characters of the current secret
  // The secret before the last regeneration, accepted until `previous_valid_until` when the
  // regeneration asked for a grace period.
  std::string previous_secret_hash;
  std::string previous_secret_hint;
  std::optional<TimePoint> previous_valid_until;

  // Enabled and not expired at `now`.
  bool UsableAt(TimePoint now) const { return enabled && (!expires_at || now < *expires_at); }
  // The grace period of the previous secret is running at `now`.
  bool PreviousValidAt(TimePoint now) const {
    return !previous_secret_hash.empty() && previous_valid_until && now < *previous_valid_until;
  }
};

class LiveAccessTable {
 public:
  using Ptr = std::shared_ptr<const LiveAccess>;

  Ptr Find(std::string_view access_key) const;
  void Upsert(LiveAccess access);
  void Remove(std::string_view access_key);
  // Replaces the whole content (start-up and periodic reload). Returns the access keys whose
  // entry changed or disappeared, so that the caller can drop their cached checks.
  std::vector<std::string> ReplaceAll(std::vector<LiveAccess> accesses);
  std::size_t size() const;

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, Ptr, std::less<>> by_key_;
};

}  // namespace ordo::auth
