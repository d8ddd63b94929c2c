#pragma once
// `ordo db copy --from sqlite:PATH --to postgresql://...`: moves a single-node installation to
// PostgreSQL with everything in it (users, groups, sessions, REST accesses with their secret
// hashes, audit events, signing keys, process definitions, instances, tasks, history), so that
// every access keeps working with its existing secret and every token stays valid — provided the
// new nodes use the same master key (the data folder's master.key, or ORDO_MASTER_KEY).
//
// How: both databases are brought to this binary's schema version (the migrations `ordo serve`
// would apply); the target must be empty of Ordo data (a database no Ordo has served yet); then
// every table is copied in creation order (so foreign keys are satisfied) in ONE target
// transaction: the copy is all or nothing. Values travel as SQL literals made by SQLite's
// quote(), which PostgreSQL reads with the same meaning for Ordo's types (TEXT, INTEGER,
// BIGINT, NULL). Stop the source server first: a copy of a database still being written is a
// copy of one moment only.

#include <string>
#include <vector>

#include "core/error.h"

namespace ordo::app {

struct DbCopyReport {
  struct Table {
    std::string name;
    long long rows = 0;
  };
  std::vector<Table> tables;
};

[[nodiscard]] Result<DbCopyReport> CopyDatabase(const std::string& from_url,
                                                const std::string& to_url);

// `ordo db ...` command line; returns the process exit code (0 ok, 1 copy failed, 2 bad usage).
int RunDb(const std::vector<std::string>& args);

}  // namespace ordo::app
