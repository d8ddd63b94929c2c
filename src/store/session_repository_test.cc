#include "store/session_repository.h"

#include <gtest/gtest.h>

#include "store/test_database.h"

namespace ordo::store {
namespace {

class SessionRepositoryTest : public ::testing::Test {
 protected:
  template <typename Fn>
  void Write(Fn fn) {
    ASSERT_TRUE(tdb.db().Write<bool>([&](soci::session& s) -> Result<bool> {
      if (auto st = fn(s); !st) return Fail(st.error());
      return true;
    }));
  }
  std::optional<SessionRecord> Find(const std::string& id) {
    auto r = tdb.db().Read<std::optional<SessionRecord>>(
        [&](soci::session& s) { return FindSession(s, id); });
    EXPECT_TRUE(r.has_value());
    return r ? *r : std::nullopt;
  }
  SessionRecord Make(const std::string& id, const std::string& user, long long seen,
                     long long expires) {
    return SessionRecord{id, user, "csrf-" + id, seen, seen, expires, "127.0.0.1"};
  }
  TestDatabase tdb;
};

TEST_F(SessionRepositoryTest, InsertFindTouchDelete) {
  Write([&](soci::session& s) { return InsertSession(s, Make("s1", "u1", 100, 1000)); });
  auto got = Find("s1");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->user_id, "u1");
  EXPECT_EQ(got->csrf_hash, "csrf-s1");
  EXPECT_EQ(got->expires_at, 1000);
  Write([&](soci::session& s) { return TouchSession(s, "s1", 500); });
  EXPECT_EQ(Find("s1")->last_seen_at, 500);
  Write([&](soci::session& s) { return DeleteSession(s, "s1"); });
  EXPECT_EQ(Find("s1"), std::nullopt);
}

TEST_F(SessionRepositoryTest, DeleteUserSessionsAndExpired) {
  Write([&](soci::session& s) { return InsertSession(s, Make("a", "u1", 100, 1000)); });
  Write([&](soci::session& s) { return InsertSession(s, Make("b", "u1", 100, 1000)); });
  Write([&](soci::session& s) { return InsertSession(s, Make("c", "u2", 100, 300)); });
  Write([&](soci::session& s) { return InsertSession(s, Make("d", "u3", 50, 1000)); });
  Write([&](soci::session& s) { return InsertSession(s, Make("e", "u4", 400, 1000)); });
  Write([&](soci::session& s) { return DeleteUserSessions(s, "u1"); });
  EXPECT_EQ(Find("a"), std::nullopt);
  EXPECT_EQ(Find("b"), std::nullopt);
  Write([&](soci::session& s) { return DeleteExpiredSessions(s, 300, 60); });
  EXPECT_EQ(Find("c"), std::nullopt);  // absolute end reached
  EXPECT_EQ(Find("d"), std::nullopt);  // idle
  EXPECT_TRUE(Find("e").has_value());
}

}  // namespace
}  // namespace ordo::store
