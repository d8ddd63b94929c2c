#include "store/session_repository.h"

#include "store/access_sql_util.h"

namespace ordo::store {

Status InsertSession(soci::session& s, const SessionRecord& r) {
  s << "INSERT INTO sessions (id_hash, user_id, csrf_hash, created_at, last_seen_at, expires_at, "
       "client_address) VALUES (:id, :uid, :csrf, :cat, :lsa, :exp, :addr)",
      soci::use(r.id_hash), soci::use(r.user_id), soci::use(r.csrf_hash), soci::use(r.created_at),
      soci::use(r.last_seen_at), soci::use(r.expires_at), soci::use(r.client_address);
  return {};
}

Result<std::optional<SessionRecord>> FindSession(soci::session& s, const std::string& id_hash) {
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT id_hash, user_id, csrf_hash, created_at, last_seen_at, expires_at, "
                    "client_address FROM sessions WHERE id_hash = :id",
       soci::use(id_hash));
  for (const auto& r : rows) {
    using namespace sqlutil;
    SessionRecord out;
    out.id_hash = Str(r, "id_hash");
    out.user_id = Str(r, "user_id");
    out.csrf_hash = Str(r, "csrf_hash");
    out.created_at = Int64(r, "created_at");
    out.last_seen_at = Int64(r, "last_seen_at");
    out.expires_at = Int64(r, "expires_at");
    out.client_address = Str(r, "client_address");
    return std::optional<SessionRecord>(std::move(out));
  }
  return std::optional<SessionRecord>();
}

Status TouchSession(soci::session& s, const std::string& id_hash, long long at) {
  s << "UPDATE sessions SET last_seen_at = :at WHERE id_hash = :id", soci::use(at),
      soci::use(id_hash);
  return {};
}

Status DeleteSession(soci::session& s, const std::string& id_hash) {
  s << "DELETE FROM sessions WHERE id_hash = :id", soci::use(id_hash);
  return {};
}

Status DeleteUserSessions(soci::session& s, const std::string& user_id) {
  s << "DELETE FROM sessions WHERE user_id = :uid", soci::use(user_id);
  return {};
}

Status DeleteExpiredSessions(soci::session& s, long long now, long long idle_before) {
  s << "DELETE FROM sessions WHERE expires_at <= :now OR last_seen_at < :idle", soci::use(now),
      soci::use(idle_before);
  return {};
}

}  // namespace ordo::store
