#pragma once
// Rows of the `audit_events` table: who did what, when, from where (issue 3 item 8). Never a
// secret, a token or a password: callers pass access keys, usernames and outcomes only.
// Stateless functions on a soci::session so that an audit row commits in the same transaction
// as the change it records.

#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace ordo::store {

struct AuditEvent {
  std::string id;          // NewId() when empty
  long long at = 0;        // Unix ms
  std::string action;      // "access.created", "auth.failed", "login.succeeded", ...
  std::string outcome;     // "success" | "failure" | "throttled" | "overloaded"
  std::string actor_type;  // "user" | "access" | "anonymous" | "system"
  std::string actor;       // username or access key
  std::string target;      // access key / username acted upon, or ""
  std::string client_address;
  std::string request_id;
  std::string detail = "{}";  // JSON object
};

struct AuditFilter {
  std::string action;              // exact, or prefix when it ends with '.' ("access.")
  std::string actor;               // exact
  std::string target;              // exact
  std::string outcome;             // exact
  std::optional<long long> since;  // at >= since
  std::optional<long long> until;  // at <  until
  // Paging, newest first: events strictly older than (before_at, before_id).
  std::optional<long long> before_at;
  std::string before_id;
  int limit = 50;
};

[[nodiscard]] Status AppendAuditEvent(soci::session& s, const AuditEvent& e);
[[nodiscard]] Result<std::vector<AuditEvent>> ListAuditEvents(soci::session& s,
                                                              const AuditFilter& f);

}  // namespace ordo::store
