#pragma once
// The engine's repository on SQL (SOCI), for SQLite and PostgreSQL alike: implements
// engine::EngineRepository over store::Database. Write runs one database transaction; the
// conditional updates (task still open, lock still free, instance row_version unchanged) make
// concurrent callers safe on both databases, and on PostgreSQL fetch-and-lock also skips rows
// another transaction is locking (FOR UPDATE SKIP LOCKED).
//
// On SQLite every write goes through one GroupCommitter (group_commit.h): SQLite has a single
// writer anyway, and concurrent engine calls then share one COMMIT/fsync instead of queueing
// for one each. On PostgreSQL each write is its own transaction on a pooled session (the
// database groups concurrent commits itself, and serialising nodes' writers in-process could
// dead-lock on row locks held across nodes).
//
// On SQLite the hot statements are prepared once per connection (statement_cache.h).
//
// Thread-safe (reads take their own pooled session). Borrows the Database.

#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/worker_pool.h"
#include "engine/repository.h"
#include "store/database.h"
#include "store/group_commit.h"
#include "store/statement_cache.h"

namespace ordo::store {

class EngineSqlRepository final : public engine::EngineRepository {
 public:
  explicit EngineSqlRepository(Database& db);
  ~EngineSqlRepository() override;

  Status Write(const std::function<Status(engine::EngineTx&)>& fn) override;
  Status Read(const std::function<Status(engine::EngineTx&)>& fn) override;
  void WriteAsync(std::function<Status(engine::EngineTx&)> fn,
                  std::function<void(Status)> done) override;

 private:
  // This connection's prepared statements; nullptr on PostgreSQL.
  StatementCache* CacheFor(soci::session& s);

  Database& db_;
  std::mutex caches_mu_;
  std::unordered_map<soci::session*, std::unique_ptr<StatementCache>> caches_;  // SQLite only
  // Declared after the caches: destroyed first, since the jobs it still runs use them.
  std::unique_ptr<GroupCommitter> committer_;  // SQLite only
  std::unique_ptr<WorkerPool> writers_;        // PostgreSQL only
};

}  // namespace ordo::store
