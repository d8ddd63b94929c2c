#pragma once
// Schema migrations: numbered, applied in order at start-up, each in its own transaction and
// recorded in `schema_migrations`, so a database is always at a known version. Modules own
// number ranges: foundation 100–199, auth 200–299, engine 300–399.

#include <string>
#include <vector>

#include "core/error.h"
#include "store/database.h"

namespace ordo::store {

struct Migration {
  int version;
  std::string name;
  std::vector<std::string> statements;           // portable SQL
  std::vector<std::string> postgres_statements;  // empty = same as `statements`
};

std::vector<Migration> FoundationMigrations();
std::vector<Migration> AuthMigrations();
std::vector<Migration> EngineMigrations();

// Every migration of every module, sorted by version.
std::vector<Migration> AllMigrations();

// Applies what is missing. Fails with kFailedPrecondition when the database holds a version
// this binary does not know (a newer Ordo wrote it).
[[nodiscard]] Status ApplyMigrations(Database& db, const std::vector<Migration>& migrations);

// The highest applied version, 0 for an empty database.
[[nodiscard]] Result<int> SchemaVersion(Database& db);

}  // namespace ordo::store
