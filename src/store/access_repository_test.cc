#include "store/access_repository.h"

#include <gtest/gtest.h>

#include "store/test_database.h"

namespace ordo::store {
namespace {

AccessRecord Sample(const std::string& key, const std::string& name) {
  AccessRecord a;
  a.id = "id-" + key;
  a.access_key = key;
  a.name = name;
  a.right = "operator";
  a.scopes = {"processes:read", "processes:run"};
  a.secret_hash = "$argon2id$hash";
  a.secret_hint = "WXYZ";
  a.created_at = 1000;
  a.created_by = "admin";
  a.secret_updated_at = 1000;
  a.updated_at = 1000;
  return a;
}

class AccessRepositoryTest : public ::testing::Test {
 protected:
  Status Insert(const AccessRecord& a) {
    auto r = db().Write<bool>([&](soci::session& s) -> Result<bool> {
      if (auto st = InsertAccess(s, a); !st) return Fail(st.error());
      return true;
    });
    if (!r) return Fail(r.error());
    return {};
  }
  std::optional<AccessRecord> Find(const std::string& key) {
    auto r = db().Read<std::optional<AccessRecord>>(
        [&](soci::session& s) { return FindAccessByKey(s, key); });
    EXPECT_TRUE(r.has_value());
    return r ? *r : std::nullopt;
  }
  Database& db() { return tdb.db(); }
  TestDatabase tdb;
};

TEST_F(AccessRepositoryTest, InsertAndFindRoundTrip) {
  AccessRecord a = Sample("ordo_ak_A", "ci");
  a.expires_at = 5000;
  ASSERT_TRUE(Insert(a));
  auto got = Find("ordo_ak_A");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->name, "ci");
  EXPECT_EQ(got->scopes, a.scopes);
  EXPECT_EQ(got->right, "operator");
  EXPECT_TRUE(got->enabled);
  EXPECT_EQ(got->generation, 1);
  EXPECT_EQ(got->expires_at, 5000);
  EXPECT_EQ(got->last_used_at, std::nullopt);
  EXPECT_EQ(got->previous_secret_hash, "");
  EXPECT_EQ(got->previous_valid_until, std::nullopt);
  EXPECT_EQ(Find("ordo_ak_B"), std::nullopt);
}

TEST_F(AccessRepositoryTest, DuplicateNameIsAlreadyExists) {
  ASSERT_TRUE(Insert(Sample("ordo_ak_A", "ci")));
  auto st = Insert(Sample("ordo_ak_B", "ci"));
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kAlreadyExists);
}

TEST_F(AccessRepositoryTest, UpdateWritesMutableColumns) {
  ASSERT_TRUE(Insert(Sample("ordo_ak_A", "ci")));
  AccessRecord a = *Find("ordo_ak_A");
  a.name = "ci2";
  a.enabled = false;
  a.generation = 2;
  a.previous_secret_hash = a.secret_hash;
  a.previous_secret_hint = a.secret_hint;
  a.previous_valid_until = 9000;
  a.secret_hash = "$argon2id$new";
  auto st = db().Write<bool>([&](soci::session& s) -> Result<bool> {
    if (auto u = UpdateAccess(s, a); !u) return Fail(u.error());
    return true;
  });
  ASSERT_TRUE(st.has_value());
  auto got = *Find("ordo_ak_A");
  EXPECT_EQ(got.name, "ci2");
  EXPECT_FALSE(got.enabled);
  EXPECT_EQ(got.generation, 2);
  EXPECT_EQ(got.previous_secret_hash, "$argon2id$hash");
  EXPECT_EQ(got.previous_valid_until, 9000);
  EXPECT_EQ(got.secret_hash, "$argon2id$new");
}

TEST_F(AccessRepositoryTest, UpdateUnknownIsNotFound) {
  auto st = db().Write<bool>([&](soci::session& s) -> Result<bool> {
    if (auto u = UpdateAccess(s, Sample("ordo_ak_X", "x")); !u) return Fail(u.error());
    return true;
  });
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
}

TEST_F(AccessRepositoryTest, DeleteAndListAndVersion) {
  ASSERT_TRUE(Insert(Sample("ordo_ak_A", "a")));
  ASSERT_TRUE(Insert(Sample("ordo_ak_B", "b")));
  ASSERT_TRUE(Insert(Sample("ordo_ak_C", "c")));
  auto page = db().Read<std::vector<AccessRecord>>(
      [](soci::session& s) { return ListAccesses(s, "ordo_ak_A", 1); });
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ(page->front().access_key, "ordo_ak_B");
  auto v0 = db().Read<long long>([](soci::session& s) { return AccessVersion(s); });
  auto del = db().Write<bool>([](soci::session& s) -> Result<bool> {
    if (auto d = DeleteAccess(s, "ordo_ak_B"); !d) return Fail(d.error());
    if (auto b = BumpAccessVersion(s); !b) return Fail(b.error());
    return true;
  });
  ASSERT_TRUE(del.has_value());
  auto v1 = db().Read<long long>([](soci::session& s) { return AccessVersion(s); });
  EXPECT_EQ(*v1, *v0 + 1);
  auto all = db().Read<std::vector<AccessRecord>>([](soci::session& s) { return AllAccesses(s); });
  ASSERT_EQ(all->size(), 2u);
  auto again = db().Write<bool>([](soci::session& s) -> Result<bool> {
    if (auto d = DeleteAccess(s, "ordo_ak_B"); !d) return Fail(d.error());
    return true;
  });
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
}

TEST_F(AccessRepositoryTest, TouchRecordsUse) {
  ASSERT_TRUE(Insert(Sample("ordo_ak_A", "a")));
  auto st = db().Write<bool>([](soci::session& s) -> Result<bool> {
    if (auto t = TouchAccessUse(s, "ordo_ak_A", 7777, "10.1.2.3"); !t) return Fail(t.error());
    return true;
  });
  ASSERT_TRUE(st.has_value());
  auto got = *Find("ordo_ak_A");
  EXPECT_EQ(got.last_used_at, 7777);
  EXPECT_EQ(got.last_used_from, "10.1.2.3");
}

TEST_F(AccessRepositoryTest, NameTaken) {
  ASSERT_TRUE(Insert(Sample("ordo_ak_A", "a")));
  auto taken = db().Read<bool>([](soci::session& s) { return AccessNameTaken(s, "a", ""); });
  EXPECT_TRUE(*taken);
  auto self =
      db().Read<bool>([](soci::session& s) { return AccessNameTaken(s, "a", "ordo_ak_A"); });
  EXPECT_FALSE(*self);
}

}  // namespace
}  // namespace ordo::store
