#include "store/access_repository.h"

#include <sstream>

#include "store/access_sql_util.h"
#include "store/pg_notify.h"

namespace ordo::store {
namespace {

constexpr const char* kColumns =
    "id, access_key, name, right_name, scopes, enabled, generation, secret_hash, secret_hint, "
    "previous_secret_hash, previous_secret_hint, previous_valid_until, created_at, created_by, "
    "secret_updated_at, last_used_at, last_used_from, expires_at, updated_at";

std::string JoinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& sc : scopes) {
    if (!out.empty()) out += ' ';
    out += sc;
  }
  return out;
}

std::vector<std::string> SplitScopes(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string sc; in >> sc;) out.push_back(sc);
  return out;
}

AccessRecord FromRow(const soci::row& r) {
  using namespace sqlutil;
  AccessRecord a;
  a.id = Str(r, "id");
  a.access_key = Str(r, "access_key");
  a.name = Str(r, "name");
  a.right = Str(r, "right_name");
  a.scopes = SplitScopes(Str(r, "scopes"));
  a.enabled = Int64(r, "enabled") != 0;
  a.generation = Int64(r, "generation", 1);
  a.secret_hash = Str(r, "secret_hash");
  a.secret_hint = Str(r, "secret_hint");
  a.previous_secret_hash = Str(r, "previous_secret_hash");
  a.previous_secret_hint = Str(r, "previous_secret_hint");
  a.previous_valid_until = OptInt64(r, "previous_valid_until");
  a.created_at = Int64(r, "created_at");
  a.created_by = Str(r, "created_by");
  a.secret_updated_at = Int64(r, "secret_updated_at");
  a.last_used_at = OptInt64(r, "last_used_at");
  a.last_used_from = Str(r, "last_used_from");
  a.expires_at = OptInt64(r, "expires_at");
  a.updated_at = Int64(r, "updated_at");
  return a;
}

std::vector<AccessRecord> Query(soci::session& s, const std::string& sql,
                                const std::string& param = "", int limit = -1) {
  std::vector<AccessRecord> out;
  if (limit >= 0) {
    soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(param), soci::use(limit));
    for (const auto& r : rows) out.push_back(FromRow(r));
  } else if (!param.empty()) {
    soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(param));
    for (const auto& r : rows) out.push_back(FromRow(r));
  } else {
    soci::rowset<soci::row> rows = (s.prepare << sql);
    for (const auto& r : rows) out.push_back(FromRow(r));
  }
  return out;
}

struct Nullable {
  long long value = 0;
  soci::indicator ind = soci::i_null;
  explicit Nullable(const std::optional<long long>& v) {
    if (v) {
      value = *v;
      ind = soci::i_ok;
    }
  }
};

}  // namespace

Status InsertAccess(soci::session& s, const AccessRecord& a) {
  const std::string scopes = JoinScopes(a.scopes);
  const int enabled = a.enabled ? 1 : 0;
  Nullable prev_until(a.previous_valid_until), last_used(a.last_used_at), expires(a.expires_at);
  soci::indicator prev_hash_ind = a.previous_secret_hash.empty() ? soci::i_null : soci::i_ok;
  soci::indicator last_from_ind = a.last_used_from.empty() ? soci::i_null : soci::i_ok;
  try {
    s << "INSERT INTO accesses (" << kColumns
      << ") VALUES (:id, :ak, :name, :right, :scopes, :enabled, :gen, :sh, :shint, :psh, :pshint,"
         " :pvu, :cat, :cby, :sua, :lua, :luf, :exp, :uat)",
        soci::use(a.id), soci::use(a.access_key), soci::use(a.name), soci::use(a.right),
        soci::use(scopes), soci::use(enabled), soci::use(a.generation), soci::use(a.secret_hash),
        soci::use(a.secret_hint), soci::use(a.previous_secret_hash, prev_hash_ind),
        soci::use(a.previous_secret_hint, prev_hash_ind),
        soci::use(prev_until.value, prev_until.ind), soci::use(a.created_at),
        soci::use(a.created_by), soci::use(a.secret_updated_at),
        soci::use(last_used.value, last_used.ind), soci::use(a.last_used_from, last_from_ind),
        soci::use(expires.value, expires.ind), soci::use(a.updated_at);
  } catch (const soci::soci_error& e) {
    if (sqlutil::IsUniqueViolation(e)) {
      return Fail(ErrorCode::kAlreadyExists, "an access with that name already exists",
                  "access-name-taken");
    }
    throw;
  }
  return {};
}

Status UpdateAccess(soci::session& s, const AccessRecord& a) {
  const std::string scopes = JoinScopes(a.scopes);
  const int enabled = a.enabled ? 1 : 0;
  Nullable prev_until(a.previous_valid_until), expires(a.expires_at);
  soci::indicator prev_hash_ind = a.previous_secret_hash.empty() ? soci::i_null : soci::i_ok;
  soci::statement st(s);
  try {
    st = (s.prepare << "UPDATE accesses SET name = :name, right_name = :right, scopes = :scopes, "
                       "enabled = :enabled, generation = :gen, secret_hash = :sh, "
                       "secret_hint = :shint, previous_secret_hash = :psh, "
                       "previous_secret_hint = :pshint, previous_valid_until = :pvu, "
                       "secret_updated_at = :sua, expires_at = :exp, updated_at = :uat "
                       "WHERE access_key = :ak",
          soci::use(a.name), soci::use(a.right), soci::use(scopes), soci::use(enabled),
          soci::use(a.generation), soci::use(a.secret_hash), soci::use(a.secret_hint),
          soci::use(a.previous_secret_hash, prev_hash_ind),
          soci::use(a.previous_secret_hint, prev_hash_ind),
          soci::use(prev_until.value, prev_until.ind), soci::use(a.secret_updated_at),
          soci::use(expires.value, expires.ind), soci::use(a.updated_at), soci::use(a.access_key));
    st.execute(true);
  } catch (const soci::soci_error& e) {
    if (sqlutil::IsUniqueViolation(e)) {
      return Fail(ErrorCode::kAlreadyExists, "an access with that name already exists",
                  "access-name-taken");
    }
    throw;
  }
  if (st.get_affected_rows() == 0) return Fail(ErrorCode::kNotFound, "no such access");
  return {};
}

Status DeleteAccess(soci::session& s, const std::string& access_key) {
  soci::statement st =
      (s.prepare << "DELETE FROM accesses WHERE access_key = :ak", soci::use(access_key));
  st.execute(true);
  if (st.get_affected_rows() == 0) return Fail(ErrorCode::kNotFound, "no such access");
  return {};
}

Result<std::optional<AccessRecord>> FindAccessByKey(soci::session& s,
                                                    const std::string& access_key) {
  auto rows = Query(s, std::string("SELECT ") + kColumns + " FROM accesses WHERE access_key = :ak",
                    access_key);
  if (rows.empty()) return std::optional<AccessRecord>();
  return std::optional<AccessRecord>(std::move(rows.front()));
}

Result<bool> AccessNameTaken(soci::session& s, const std::string& name,
                             const std::string& except_key) {
  int n = 0;
  s << "SELECT COUNT(*) FROM accesses WHERE name = :name AND access_key <> :ak", soci::use(name),
      soci::use(except_key), soci::into(n);
  return n > 0;
}

Result<std::vector<AccessRecord>> ListAccesses(soci::session& s, const std::string& after_key,
                                               int limit) {
  return Query(s,
               std::string("SELECT ") + kColumns +
                   " FROM accesses WHERE access_key > :after ORDER BY access_key LIMIT :lim",
               after_key, limit);
}

Result<std::vector<AccessRecord>> AllAccesses(soci::session& s) {
  return Query(s, std::string("SELECT ") + kColumns + " FROM accesses ORDER BY access_key");
}

Status TouchAccessUse(soci::session& s, const std::string& access_key, long long at,
                      const std::string& from) {
  s << "UPDATE accesses SET last_used_at = :at, last_used_from = :from WHERE access_key = :ak",
      soci::use(at), soci::use(from), soci::use(access_key);
  return {};
}

Status BumpAccessVersion(soci::session& s) {
  s << "UPDATE auth_state SET access_version = access_version + 1 WHERE id = 1";
  // Issue 7: on PostgreSQL, wake every node's AccessService when this transaction commits
  // (kAccessChannel); a no-op on SQLite.
  return NotifyInTransaction(s, std::string(kAccessChannel), "");
}

Result<long long> AccessVersion(soci::session& s) {
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT access_version FROM auth_state WHERE id = 1");
  for (const auto& r : rows) return sqlutil::Int64(r, "access_version");
  return 0LL;
}

}  // namespace ordo::store
