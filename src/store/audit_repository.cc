#include "store/audit_repository.h"

#include "core/ids.h"
#include "store/access_sql_util.h"

namespace ordo::store {

Status AppendAuditEvent(soci::session& s, const AuditEvent& e) {
  const std::string id = e.id.empty() ? NewId() : e.id;
  s << "INSERT INTO audit_events (id, at, action, outcome, actor_type, actor, target, "
       "client_address, request_id, detail) VALUES (:id, :at, :action, :outcome, :atype, :actor, "
       ":target, :addr, :rid, :detail)",
      soci::use(id), soci::use(e.at), soci::use(e.action), soci::use(e.outcome),
      soci::use(e.actor_type), soci::use(e.actor), soci::use(e.target), soci::use(e.client_address),
      soci::use(e.request_id), soci::use(e.detail);
  return {};
}

Result<std::vector<AuditEvent>> ListAuditEvents(soci::session& s, const AuditFilter& f) {
  // Every filter is a bound parameter; the SQL text only varies by which ones are present.
  std::string sql =
      "SELECT id, at, action, outcome, actor_type, actor, target, client_address, request_id, "
      "detail FROM audit_events WHERE 1 = 1";
  soci::statement st(s);
  std::string action_prefix;
  long long since = f.since.value_or(0), until = f.until.value_or(0),
            before_at = f.before_at.value_or(0);
  if (!f.action.empty()) {
    if (f.action.back() == '.') {
      // Range instead of LIKE, so '%' and '_' in the input mean nothing.
      action_prefix = f.action.substr(0, f.action.size() - 1) + "/";  // '/' follows '.'
      sql += " AND action >= :action AND action < :action_end";
    } else {
      sql += " AND action = :action";
    }
  }
  if (!f.actor.empty()) sql += " AND actor = :actor";
  if (!f.target.empty()) sql += " AND target = :target";
  if (!f.outcome.empty()) sql += " AND outcome = :outcome";
  if (f.since) sql += " AND at >= :since";
  if (f.until) sql += " AND at < :until";
  if (f.before_at) sql += " AND (at < :bat OR (at = :bat2 AND id < :bid))";
  sql += " ORDER BY at DESC, id DESC LIMIT :lim";
  int limit = f.limit;

  soci::row r;
  st.alloc();
  st.prepare(sql);
  if (!f.action.empty()) {
    st.exchange(soci::use(f.action));
    if (!action_prefix.empty()) st.exchange(soci::use(action_prefix));
  }
  if (!f.actor.empty()) st.exchange(soci::use(f.actor));
  if (!f.target.empty()) st.exchange(soci::use(f.target));
  if (!f.outcome.empty()) st.exchange(soci::use(f.outcome));
  if (f.since) st.exchange(soci::use(since));
  if (f.until) st.exchange(soci::use(until));
  if (f.before_at) {
    st.exchange(soci::use(before_at));
    st.exchange(soci::use(before_at));
    st.exchange(soci::use(f.before_id));
  }
  st.exchange(soci::use(limit));
  st.exchange(soci::into(r));
  st.define_and_bind();
  std::vector<AuditEvent> out;
  if (st.execute(true)) {
    do {
      using namespace sqlutil;
      AuditEvent e;
      e.id = Str(r, "id");
      e.at = Int64(r, "at");
      e.action = Str(r, "action");
      e.outcome = Str(r, "outcome");
      e.actor_type = Str(r, "actor_type");
      e.actor = Str(r, "actor");
      e.target = Str(r, "target");
      e.client_address = Str(r, "client_address");
      e.request_id = Str(r, "request_id");
      e.detail = Str(r, "detail");
      out.push_back(std::move(e));
    } while (st.fetch());
  }
  return out;
}

}  // namespace ordo::store
