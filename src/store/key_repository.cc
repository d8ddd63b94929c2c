#include "store/key_repository.h"

#include "store/access_sql_util.h"

namespace ordo::store {

Status InsertSigningKey(soci::session& s, const SigningKeyRow& row) {
  const int active = row.active ? 1 : 0;
  long long vu = row.verify_until.value_or(0);
  soci::indicator vu_ind = row.verify_until ? soci::i_ok : soci::i_null;
  s << "INSERT INTO signing_keys (kid, alg, public_key, secret_box, created_at, verify_until, "
       "active) VALUES (:kid, :alg, :pk, :box, :cat, :vu, :active)",
      soci::use(row.kid), soci::use(row.alg), soci::use(row.public_key), soci::use(row.secret_box),
      soci::use(row.created_at), soci::use(vu, vu_ind), soci::use(active);
  return {};
}

Status ActivateSigningKey(soci::session& s, const std::string& kid, long long retire_others_at) {
  s << "UPDATE signing_keys SET active = 0, verify_until = :vu WHERE active = 1 AND kid <> :kid",
      soci::use(retire_others_at), soci::use(kid);
  s << "UPDATE signing_keys SET active = 1, verify_until = NULL WHERE kid = :kid", soci::use(kid);
  return {};
}

Result<std::vector<SigningKeyRow>> LoadSigningKeys(soci::session& s, long long now) {
  std::vector<SigningKeyRow> out;
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT kid, alg, public_key, secret_box, created_at, verify_until, active "
                    "FROM signing_keys WHERE verify_until IS NULL OR verify_until > :now "
                    "ORDER BY created_at, kid",
       soci::use(now));
  for (const auto& r : rows) {
    using namespace sqlutil;
    SigningKeyRow k;
    k.kid = Str(r, "kid");
    k.alg = Str(r, "alg");
    k.public_key = Str(r, "public_key");
    k.secret_box = Str(r, "secret_box");
    k.created_at = Int64(r, "created_at");
    k.verify_until = OptInt64(r, "verify_until");
    k.active = Int64(r, "active") != 0;
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace ordo::store
