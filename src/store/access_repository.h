#pragma once
// Rows of the `accesses` table (REST accesses, API.md section 2) and the `auth_state` change
// counter. Functions take a soci::session so that the access service composes several of them
// (and an audit event) into one transaction through Database::Write.
//
// Only the argon2id hash of a secret is ever stored. Times are Unix milliseconds.
// Stateless; thread-safety is the session's (one session per thread, as Database hands out).

#include <soci/soci.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ordo::store {

// ChangeFeed channel (store/pg_notify.h) signalled by BumpAccessVersion's commit (issue 7).
inline constexpr std::string_view kAccessChannel = "ordo_access";

struct AccessRecord {
  std::string id;
  std::string access_key;
  std::string name;
  std::string right;                // reader | operator | designer | admin | custom
  std::vector<std::string> scopes;  // sorted
  bool enabled = true;
  long long generation = 1;
  std::string secret_hash;
  std::string secret_hint;
  std::string previous_secret_hash;  // "" = none
  std::string previous_secret_hint;
  std::optional<long long> previous_valid_until;
  long long created_at = 0;
  std::string created_by;
  long long secret_updated_at = 0;
  std::optional<long long> last_used_at;
  std::string last_used_from;  // "" until used
  std::optional<long long> expires_at;
  long long updated_at = 0;
};

// kAlreadyExists when the name (or, astronomically unlikely, the key) is taken.
[[nodiscard]] Status InsertAccess(soci::session& s, const AccessRecord& a);
// Writes every mutable column (name, right, scopes, enabled, generation, secrets, expiry,
// updated_at). kNotFound when the key is unknown; kAlreadyExists on a duplicate name.
[[nodiscard]] Status UpdateAccess(soci::session& s, const AccessRecord& a);
// kNotFound when the key is unknown.
[[nodiscard]] Status DeleteAccess(soci::session& s, const std::string& access_key);
[[nodiscard]] Result<std::optional<AccessRecord>> FindAccessByKey(soci::session& s,
                                                                  const std::string& access_key);
// True when another access (not `except_key`) has that name.
[[nodiscard]] Result<bool> AccessNameTaken(soci::session& s, const std::string& name,
                                           const std::string& except_key);
// Ordered by access key; those after `after_key` ("" = from the start), at most `limit`.
[[nodiscard]] Result<std::vector<AccessRecord>> ListAccesses(soci::session& s,
                                                             const std::string& after_key,
                                                             int limit);
[[nodiscard]] Result<std::vector<AccessRecord>> AllAccesses(soci::session& s);
// Records use; not part of any change transaction and does not bump the version.
[[nodiscard]] Status TouchAccessUse(soci::session& s, const std::string& access_key, long long at,
                                    const std::string& from);

// The change counter: bumped by every access change, polled by every node.
[[nodiscard]] Status BumpAccessVersion(soci::session& s);
[[nodiscard]] Result<long long> AccessVersion(soci::session& s);

}  // namespace ordo::store
