#include "store/migrations.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace ordo::store {

std::vector<Migration> AllMigrations() {
  std::vector<Migration> all = FoundationMigrations();
  for (auto part : {AuthMigrations(), EngineMigrations()}) {
    all.insert(all.end(), std::make_move_iterator(part.begin()),
               std::make_move_iterator(part.end()));
  }
  std::ranges::sort(all, {}, &Migration::version);
  return all;
}

Result<int> SchemaVersion(Database& db) {
  return db.Read<int>([](soci::session& s) -> Result<int> {
    int version = 0;
    soci::indicator ind = soci::i_null;
    s << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
    return ind == soci::i_ok ? version : 0;
  });
}

Status ApplyMigrations(Database& db, const std::vector<Migration>& migrations) {
  Status created = ToStatus(db.Write<bool>([](soci::session& s) -> Result<bool> {
    s << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
         "name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
    return true;
  }));
  if (!created) return created;
  auto current = SchemaVersion(db);
  if (!current) return Fail(current.error());
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  if (*current > newest) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the database schema is version " + std::to_string(*current) +
                    ", newer than this ordo knows (" + std::to_string(newest) + ")");
  }
  for (const Migration& m : migrations) {
    if (m.version <= *current) continue;
    const auto& statements = (db.dialect() == Dialect::kPostgres && !m.postgres_statements.empty())
                                 ? m.postgres_statements
                                 : m.statements;
    auto applied = db.Write<bool>([&](soci::session& s) -> Result<bool> {
      // Another node may have applied it in the meantime (several nodes starting together).
      int already = 0;
      s << "SELECT COUNT(*) FROM schema_migrations WHERE version = :v", soci::use(m.version),
          soci::into(already);
      if (already > 0) return false;
      for (const std::string& sql : statements) s << sql;
      const long long now = NowMillis();
      s << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)",
          soci::use(m.version), soci::use(m.name), soci::use(now);
      return true;
    });
    if (!applied) return Fail(applied.error());
    if (*applied) spdlog::info("event=migration_applied version={} name={}", m.version, m.name);
  }
  return {};
}

}  // namespace ordo::store
