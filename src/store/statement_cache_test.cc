// The statement cache behind the engine's SQL repository (SQLite): cached statements run again
// with new values, and none keeps a read snapshot after its run (which would stop checkpoints
// from recycling the WAL).
#include "store/statement_cache.h"

#include <gtest/gtest.h>

#include <string>

#include "store/engine_repository.h"
#include "store/test_database.h"

namespace ordo::store {
namespace {

engine::InstanceRecord Instance(const std::string& id) {
  engine::InstanceRecord i;
  i.id = id;
  i.definition_id = "def";
  i.definition_key = "key";
  i.definition_version = 1;
  i.started_at = 1000;
  i.started_by = "tester-" + id;
  return i;
}

// A TRUNCATE checkpoint from `s`: 0 when no reader held it up.
int CheckpointBusy(soci::session& s) {
  int busy = -1, log = -1, copied = -1;
  s << "PRAGMA wal_checkpoint(TRUNCATE)", soci::into(busy), soci::into(log), soci::into(copied);
  return busy;
}

TEST(StatementCacheTest, CachedStatementsRunAgainWithNewValuesAndHoldNoSnapshot) {
  TestDatabase test_db;
  if (test_db.db().dialect() != Dialect::kSqlite) GTEST_SKIP() << "SQLite only";
  EngineSqlRepository repo(test_db.db());
  ASSERT_TRUE(repo.Write([](engine::EngineTx& tx) -> Status {
                    if (auto st = tx.InsertInstance(Instance("i1")); !st) return st;
                    return tx.InsertInstance(Instance("i2"));
                  })
                  .has_value());
  // Alternating ids through the same cached statement, on both pooled connections.
  for (int round = 0; round < 4; ++round) {
    for (const std::string id : {"i1", "i2", "missing"}) {
      Status st = repo.Read([&](engine::EngineTx& tx) -> Status {
        auto found = tx.FindInstance(id);
        EXPECT_TRUE(found.has_value());
        if (id == "missing") {
          EXPECT_FALSE(found->has_value());
        } else {
          EXPECT_TRUE(found->has_value());
          if (found->has_value()) {
            EXPECT_EQ((*found)->started_by, "tester-" + id);
          }
        }
        return {};
      });
      ASSERT_TRUE(st.has_value());
    }
  }
  // Both connections of the pool (one held while the other checkpoints): no statement left a
  // read transaction open on either.
  auto busy = test_db.db().Read<int>([&](soci::session& outer) -> Result<int> {
    auto inner = test_db.db().Read<int>(
        [](soci::session& other) -> Result<int> { return CheckpointBusy(other); });
    if (!inner) return Fail(inner.error());
    return *inner + CheckpointBusy(outer);
  });
  ASSERT_TRUE(busy.has_value());
  EXPECT_EQ(*busy, 0);
}

}  // namespace
}  // namespace ordo::store
