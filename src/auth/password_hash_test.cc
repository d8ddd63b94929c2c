#include "auth/password_hash.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace ordo::auth {
namespace {

// The minimum cost libsodium allows, so that the tests stay fast; the production default is
// checked separately below.
constexpr HashParams kFast{1, 8192};

TEST(PasswordHashTest, DefaultsAreOwaspArgon2id) {
  HashParams p;
  EXPECT_EQ(p.ops_limit, 2u);
  EXPECT_EQ(p.mem_limit, 19u * 1024 * 1024);
  auto phc = HashPassword("pw", p);
  ASSERT_TRUE(phc.has_value());
  EXPECT_TRUE(phc->starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << *phc;
}

TEST(PasswordHashTest, VerifiesTheRightPassword) {
  auto phc = HashPassword("correct horse", kFast);
  ASSERT_TRUE(phc.has_value());
  EXPECT_TRUE(VerifyPassword(*phc, "correct horse"));
}

TEST(PasswordHashTest, RefusesAWrongPassword) {
  auto phc = HashPassword("correct horse", kFast);
  ASSERT_TRUE(phc.has_value());
  EXPECT_FALSE(VerifyPassword(*phc, "correct horsf"));
  EXPECT_FALSE(VerifyPassword(*phc, ""));
}

TEST(PasswordHashTest, SaltsDiffer) {
  auto a = HashPassword("same", kFast);
  auto b = HashPassword("same", kFast);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
}

TEST(PasswordHashTest, PasswordWithNulBytesIsHashedWhole) {
  std::string with_nul("ab\0cd", 5);
  auto phc = HashPassword(with_nul, kFast);
  ASSERT_TRUE(phc.has_value());
  EXPECT_TRUE(VerifyPassword(*phc, with_nul));
  EXPECT_FALSE(VerifyPassword(*phc, "ab"));
}

TEST(PasswordHashTest, GarbageHashNeverVerifies) {
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("plaintext", "plaintext"));
  EXPECT_FALSE(VerifyPassword(std::string(200, '$'), "x"));
  EXPECT_FALSE(VerifyPassword("$argon2id$v=19$m=8,t=1,p=1$bad", "x"));
}

TEST(PasswordHashTest, Argon2iHashIsNotAccepted) {
  ASSERT_TRUE(InitSodium());
  char out[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_str_alg(out, "pw", 2, 3, 8192, crypto_pwhash_ALG_ARGON2I13), 0);
  EXPECT_FALSE(VerifyPassword(out, "pw"));
}

TEST(PasswordHashTest, ParametersOutOfRangeFail) {
  auto phc = HashPassword("pw", HashParams{0, 8192});
  ASSERT_FALSE(phc.has_value());
  EXPECT_EQ(phc.error().code, ErrorCode::kInternal);
}

TEST(PasswordHashTest, NeedsRehashWhenParametersRise) {
  auto phc = HashPassword("pw", kFast);
  ASSERT_TRUE(phc.has_value());
  EXPECT_FALSE(NeedsRehash(*phc, kFast));
  EXPECT_TRUE(NeedsRehash(*phc, HashParams{2, 8192}));
  EXPECT_TRUE(NeedsRehash("not a hash", kFast));
}

TEST(PasswordHashTest, BurnDummyVerifyRunsWithoutEffect) {
  // No observable result by design; this checks it neither crashes nor throws, twice (cached).
  BurnDummyVerify("anything", kFast);
  BurnDummyVerify("anything", kFast);
}

}  // namespace
}  // namespace ordo::auth
