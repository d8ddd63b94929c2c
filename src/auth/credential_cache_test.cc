#include "auth/credential_cache.h"

#include <gtest/gtest.h>

namespace ordo::auth {
namespace {

using std::chrono::seconds;

class CredentialCacheTest : public ::testing::Test {
 protected:
  FakeClock clock;
  CredentialCache cache{clock, 3, std::chrono::minutes(5)};
};

TEST_F(CredentialCacheTest, MissThenHit) {
  EXPECT_EQ(cache.Lookup("ak", "sk", clock.Now()), std::nullopt);
  cache.Insert("ak", "sk", CachedCheck{7, false});
  auto hit = cache.Lookup("ak", "sk", clock.Now());
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->generation, 7);
  EXPECT_FALSE(hit->previous_secret);
}

TEST_F(CredentialCacheTest, OtherSecretMisses) {
  cache.Insert("ak", "sk", CachedCheck{1, false});
  EXPECT_EQ(cache.Lookup("ak", "sk2", clock.Now()), std::nullopt);
  EXPECT_EQ(cache.Lookup("ak2", "sk", clock.Now()), std::nullopt);
}

TEST_F(CredentialCacheTest, SeparatorPreventsSplitConfusion) {
  cache.Insert("ab", "c", CachedCheck{1, false});
  EXPECT_EQ(cache.Lookup("a", "bc", clock.Now()), std::nullopt);
}

TEST_F(CredentialCacheTest, ExpiresAfterTtl) {
  cache.Insert("ak", "sk", CachedCheck{1, false});
  clock.Advance(seconds(299));
  EXPECT_TRUE(cache.Lookup("ak", "sk", clock.Now()).has_value());
  clock.Advance(seconds(1));
  EXPECT_EQ(cache.Lookup("ak", "sk", clock.Now()), std::nullopt);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(CredentialCacheTest, InvalidateDropsAllOfAnAccess) {
  cache.Insert("ak", "old", CachedCheck{1, true});
  cache.Insert("ak", "new", CachedCheck{2, false});
  cache.Insert("other", "sk", CachedCheck{1, false});
  cache.Invalidate("ak");
  EXPECT_EQ(cache.Lookup("ak", "old", clock.Now()), std::nullopt);
  EXPECT_EQ(cache.Lookup("ak", "new", clock.Now()), std::nullopt);
  EXPECT_TRUE(cache.Lookup("other", "sk", clock.Now()).has_value());
}

TEST_F(CredentialCacheTest, BoundedEvictsOldest) {
  cache.Insert("a", "1", CachedCheck{1, false});
  cache.Insert("b", "1", CachedCheck{1, false});
  cache.Insert("c", "1", CachedCheck{1, false});
  cache.Insert("d", "1", CachedCheck{1, false});
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.Lookup("a", "1", clock.Now()), std::nullopt);
  EXPECT_TRUE(cache.Lookup("d", "1", clock.Now()).has_value());
}

TEST_F(CredentialCacheTest, ReinsertRefreshes) {
  cache.Insert("a", "1", CachedCheck{1, false});
  clock.Advance(seconds(200));
  cache.Insert("a", "1", CachedCheck{2, false});
  clock.Advance(seconds(200));
  auto hit = cache.Lookup("a", "1", clock.Now());
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->generation, 2);
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(CredentialCacheTest, KeysDifferPerProcessInstance) {
  // Two caches (two processes) do not share fingerprints: an entry of one is not in the other.
  CredentialCache other(clock, 3);
  cache.Insert("a", "1", CachedCheck{1, false});
  EXPECT_EQ(other.Lookup("a", "1", clock.Now()), std::nullopt);
}

TEST_F(CredentialCacheTest, ZeroEntriesRemembersNothing) {
  CredentialCache off(clock, 0);
  EXPECT_FALSE(off.enabled());
  off.Insert("ak", "sk", CachedCheck{1, false});
  EXPECT_EQ(off.Lookup("ak", "sk", clock.Now()), std::nullopt);
  EXPECT_EQ(off.size(), 0u);
}

}  // namespace
}  // namespace ordo::auth
