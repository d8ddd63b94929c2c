#pragma once
// The engine's repository on SQL (SOCI), for SQLite and PostgreSQL alike: implements
// engine::EngineRepository over store::Database. Write runs one database transaction; the
// conditional updates (task still open, lock still free, instance row_version unchanged) make
// concurrent callers safe on both databases, and on PostgreSQL fetch-and-lock also skips rows
// another transaction is locking (FOR UPDATE SKIP LOCKED).
//
// Thread-safe (each call takes its own pooled session). Borrows the Database.

#include "engine/repository.h"
#include "store/database.h"

namespace ordo::store {

class EngineSqlRepository final : public engine::EngineRepository {
 public:
  explicit EngineSqlRepository(Database& db) : db_(db) {}

  Status Write(const std::function<Status(engine::EngineTx&)>& fn) override;
  Status Read(const std::function<Status(engine::EngineTx&)>& fn) override;

 private:
  Database& db_;
};

}  // namespace ordo::store
