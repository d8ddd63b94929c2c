#include "auth/live_access_table.h"

#include <gtest/gtest.h>

namespace ordo::auth {
namespace {

LiveAccess Make(std::string key, long long gen = 1) {
  LiveAccess a;
  a.id = "id-" + key;
  a.access_key = std::move(key);
  a.generation = gen;
  a.scopes = {"processes:read"};
  return a;
}

TEST(LiveAccessTableTest, UpsertFindRemove) {
  LiveAccessTable t;
  EXPECT_EQ(t.Find("k"), nullptr);
  t.Upsert(Make("k"));
  ASSERT_NE(t.Find("k"), nullptr);
  EXPECT_EQ(t.Find("k")->id, "id-k");
  t.Upsert(Make("k", 2));
  EXPECT_EQ(t.Find("k")->generation, 2);
  t.Remove("k");
  EXPECT_EQ(t.Find("k"), nullptr);
}

TEST(LiveAccessTableTest, SnapshotSurvivesReplacement) {
  LiveAccessTable t;
  t.Upsert(Make("k", 1));
  auto held = t.Find("k");
  t.Upsert(Make("k", 2));
  EXPECT_EQ(held->generation, 1);
  EXPECT_EQ(t.Find("k")->generation, 2);
}

TEST(LiveAccessTableTest, ReplaceAllReportsChangedAndRemoved) {
  LiveAccessTable t;
  t.Upsert(Make("same"));
  t.Upsert(Make("changed", 1));
  t.Upsert(Make("gone"));
  auto changed = t.ReplaceAll({Make("same"), Make("changed", 2), Make("new")});
  EXPECT_EQ(changed, (std::vector<std::string>{"changed", "gone"}));
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.Find("gone"), nullptr);
}

TEST(LiveAccessTableTest, UsableAndGrace) {
  FakeClock clock;
  LiveAccess a = Make("k");
  EXPECT_TRUE(a.UsableAt(clock.Now()));
  a.expires_at = clock.Now() + std::chrono::seconds(10);
  EXPECT_TRUE(a.UsableAt(clock.Now()));
  EXPECT_FALSE(a.UsableAt(clock.Now() + std::chrono::seconds(10)));
  a.enabled = false;
  EXPECT_FALSE(a.UsableAt(clock.Now()));
  EXPECT_FALSE(a.PreviousValidAt(clock.Now()));
  a.previous_secret_hash = "$argon2id$...";
  a.previous_valid_until = clock.Now() + std::chrono::seconds(5);
  EXPECT_TRUE(a.PreviousValidAt(clock.Now()));
  EXPECT_FALSE(a.PreviousValidAt(clock.Now() + std::chrono::seconds(5)));
}

}  // namespace
}  // namespace ordo::auth
