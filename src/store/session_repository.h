#pragma once
// Rows of the `sessions` table: server-side web sessions (issue 2 item 6). The session token and
// the CSRF token are never stored, only their SHA-256 digests (hex), so that a copy of the
// database cannot be replayed as a live session. Times are Unix milliseconds.
// Stateless functions on a soci::session.

#include <soci/soci.h>

#include <optional>
#include <string>

#include "core/error.h"

namespace ordo::store {

struct SessionRecord {
  std::string id_hash;  // SHA-256 hex of the session token
  std::string user_id;
  std::string csrf_hash;  // SHA-256 hex of the CSRF token
  long long created_at = 0;
  long long last_seen_at = 0;
  long long expires_at = 0;  // absolute end, whatever the activity
  std::string client_address;
};

[[nodiscard]] Status InsertSession(soci::session& s, const SessionRecord& r);
[[nodiscard]] Result<std::optional<SessionRecord>> FindSession(soci::session& s,
                                                               const std::string& id_hash);
[[nodiscard]] Status TouchSession(soci::session& s, const std::string& id_hash, long long at);
[[nodiscard]] Status DeleteSession(soci::session& s, const std::string& id_hash);
// All sessions of a user (user disabled or deleted, password changed).
[[nodiscard]] Status DeleteUserSessions(soci::session& s, const std::string& user_id);
// Sessions past their absolute end or idle since before `idle_before`.
[[nodiscard]] Status DeleteExpiredSessions(soci::session& s, long long now, long long idle_before);

}  // namespace ordo::store
