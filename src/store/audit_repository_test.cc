#include "store/audit_repository.h"

#include <gtest/gtest.h>

#include "store/test_database.h"

namespace ordo::store {
namespace {

class AuditRepositoryTest : public ::testing::Test {
 protected:
  void Append(const std::string& id, long long at, const std::string& action,
              const std::string& actor = "admin") {
    AuditEvent e;
    e.id = id;
    e.at = at;
    e.action = action;
    e.outcome = "success";
    e.actor_type = "user";
    e.actor = actor;
    e.client_address = "127.0.0.1";
    e.request_id = "rid";
    ASSERT_TRUE(tdb.db().Write<bool>([&](soci::session& s) -> Result<bool> {
      if (auto st = AppendAuditEvent(s, e); !st) return Fail(st.error());
      return true;
    }));
  }
  std::vector<std::string> Ids(const AuditFilter& f) {
    auto r = tdb.db().Read<std::vector<AuditEvent>>(
        [&](soci::session& s) { return ListAuditEvents(s, f); });
    EXPECT_TRUE(r.has_value());
    std::vector<std::string> ids;
    for (const auto& e : *r) ids.push_back(e.id);
    return ids;
  }
  TestDatabase tdb;
};

TEST_F(AuditRepositoryTest, NewestFirstWithFiltersAndPaging) {
  Append("a", 100, "access.created");
  Append("b", 200, "auth.failed", "ordo_ak_X");
  Append("c", 200, "access.deleted");
  Append("d", 300, "login.succeeded");
  EXPECT_EQ(Ids({}), (std::vector<std::string>{"d", "c", "b", "a"}));
  EXPECT_EQ(Ids({.action = "access."}), (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(Ids({.action = "auth.failed"}), (std::vector<std::string>{"b"}));
  EXPECT_EQ(Ids({.actor = "ordo_ak_X"}), (std::vector<std::string>{"b"}));
  EXPECT_EQ(Ids({.since = 200, .until = 300}), (std::vector<std::string>{"c", "b"}));
  EXPECT_EQ(Ids({.limit = 2}), (std::vector<std::string>{"d", "c"}));
  EXPECT_EQ(Ids({.before_at = 200, .before_id = "c", .limit = 2}),
            (std::vector<std::string>{"b", "a"}));
}

TEST_F(AuditRepositoryTest, PercentInFilterIsLiteral) {
  Append("a", 100, "access.created");
  EXPECT_TRUE(Ids({.action = "%"}).empty());
  EXPECT_TRUE(Ids({.action = "acc%."}).empty());
}

}  // namespace
}  // namespace ordo::store
