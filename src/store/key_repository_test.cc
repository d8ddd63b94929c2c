#include "store/key_repository.h"

#include <gtest/gtest.h>

#include "store/test_database.h"

namespace ordo::store {
namespace {

class KeyRepositoryTest : public ::testing::Test {
 protected:
  template <typename Fn>
  void Write(Fn fn) {
    ASSERT_TRUE(tdb.db().Write<bool>([&](soci::session& s) -> Result<bool> {
      if (auto st = fn(s); !st) return Fail(st.error());
      return true;
    }));
  }
  std::vector<SigningKeyRow> Load(long long now) {
    auto r = tdb.db().Read<std::vector<SigningKeyRow>>(
        [&](soci::session& s) { return LoadSigningKeys(s, now); });
    EXPECT_TRUE(r.has_value());
    return r ? *r : std::vector<SigningKeyRow>{};
  }
  TestDatabase tdb;
};

TEST_F(KeyRepositoryTest, RotationRetiresTheOldKey) {
  Write([](soci::session& s) {
    return InsertSigningKey(s, SigningKeyRow{"k1", "HS256", "", "box1", 100, std::nullopt, true});
  });
  Write([](soci::session& s) {
    return InsertSigningKey(s,
                            SigningKeyRow{"k2", "EdDSA", "pk", "box2", 200, std::nullopt, false});
  });
  Write([](soci::session& s) { return ActivateSigningKey(s, "k2", 5000); });
  auto keys = Load(1000);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].kid, "k1");
  EXPECT_FALSE(keys[0].active);
  EXPECT_EQ(keys[0].verify_until, 5000);
  EXPECT_EQ(keys[1].kid, "k2");
  EXPECT_TRUE(keys[1].active);
  EXPECT_EQ(keys[1].alg, "EdDSA");
  EXPECT_EQ(keys[1].public_key, "pk");
  EXPECT_EQ(keys[1].secret_box, "box2");
  auto later = Load(5000);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].kid, "k2");
}

}  // namespace
}  // namespace ordo::store
