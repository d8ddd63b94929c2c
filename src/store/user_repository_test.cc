#include "store/user_repository.h"

#include <gtest/gtest.h>

#include "core/ids.h"
#include "store/migrations.h"
#include "store/test_database.h"

namespace ordo::store {
namespace {

UserRecord NewUser(const std::string& name) {
  UserRecord u;
  u.id = NewId();
  u.username = name;
  u.password_hash = "$argon2id$fake";
  u.created_at = u.updated_at = NowMillis();
  return u;
}

class UserRepositoryTest : public ::testing::Test {
 protected:
  TestDatabase tdb_;
  UserRepository repo_{tdb_.db()};
};

TEST_F(UserRepositoryTest, CreatesAndFindsAUser) {
  ASSERT_TRUE(repo_.Create(NewUser("ada")).has_value());
  auto found = repo_.FindByUsername("ada");
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->username, "ada");
  EXPECT_TRUE((*found)->enabled);
  EXPECT_FALSE((*found)->admin);
}

TEST_F(UserRepositoryTest, DuplicateUsernameIsAlreadyExists) {
  ASSERT_TRUE(repo_.Create(NewUser("ada")).has_value());
  auto again = repo_.Create(NewUser("ada"));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
}

TEST_F(UserRepositoryTest, UnknownUserIsEmpty) {
  auto found = repo_.FindByUsername("nobody");
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->has_value());
}

TEST_F(UserRepositoryTest, ListsInPagesOrderedByUsername) {
  for (const char* n : {"carol", "ada", "bob"}) ASSERT_TRUE(repo_.Create(NewUser(n)).has_value());
  auto first = repo_.List(2, "");
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].username, "ada");
  EXPECT_EQ((*first)[1].username, "bob");
  auto second = repo_.List(2, "bob");
  ASSERT_TRUE(second.has_value());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].username, "carol");
}

TEST_F(UserRepositoryTest, GroupsAndMembershipFollowEachOther) {
  ASSERT_TRUE(repo_.Create(NewUser("ada")).has_value());
  ASSERT_TRUE(repo_.CreateGroup(GroupRecord{"finance", "Finance", {"ada"}, NowMillis()}));
  auto ada = repo_.FindByUsername("ada");
  ASSERT_TRUE(ada && *ada);
  EXPECT_EQ((*ada)->groups, std::vector<std::string>{"finance"});
  ASSERT_TRUE(repo_.DeleteGroup("finance").has_value());
  ada = repo_.FindByUsername("ada");
  EXPECT_TRUE((*ada)->groups.empty());
}

TEST_F(UserRepositoryTest, UnknownGroupMemberRollsTheWholeCreateBack) {
  auto g = repo_.CreateGroup(GroupRecord{"ops", "Ops", {"ghost"}, NowMillis()});
  ASSERT_FALSE(g.has_value());
  EXPECT_EQ(g.error().code, ErrorCode::kInvalidArgument);
  auto found = repo_.FindGroup("ops");
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->has_value());  // nothing half-written
}

TEST_F(UserRepositoryTest, UpdatePatchesOnlyGivenFields) {
  UserRecord u = NewUser("ada");
  u.email = "ada@example.org";
  ASSERT_TRUE(repo_.Create(u).has_value());
  UserPatch p;
  p.admin = true;
  auto updated = repo_.Update("ada", p);
  ASSERT_TRUE(updated.has_value());
  EXPECT_TRUE(updated->admin);
  EXPECT_EQ(updated->email, "ada@example.org");
}

TEST_F(UserRepositoryTest, DeleteUnknownIsNotFound) {
  auto st = repo_.Delete("ghost");
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
}

TEST(Migrations, AreRecordedAndIdempotent) {
  TestDatabase tdb;
  auto v = SchemaVersion(tdb.db());
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, AllMigrations().back().version);
  ASSERT_TRUE(ApplyMigrations(tdb.db(), AllMigrations()).has_value());
  EXPECT_EQ(*SchemaVersion(tdb.db()), *v);
}

TEST(Migrations, RefuseADatabaseFromANewerOrdo) {
  TestDatabase tdb;
  std::vector<Migration> older = {AllMigrations().front()};
  const Status st = ApplyMigrations(tdb.db(), older);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ordo::store
