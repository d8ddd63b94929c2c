#include "auth/secrets.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cmath>
#include <set>

namespace ordo::auth {
namespace {

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(SecretsTest, AccessKeyFormat) {
  std::string key = NewAccessKey();
  EXPECT_EQ(key.size(), 28u);
  EXPECT_TRUE(key.starts_with("ordo_ak_"));
  EXPECT_EQ(key.find(':'), std::string::npos);
  EXPECT_TRUE(IsWellFormedAccessKey(key));
}

TEST_F(SecretsTest, SecretKeyFormatAndEntropy) {
  std::string secret = NewSecretKey();
  EXPECT_EQ(secret.size(), 8u + 43u + 6u);
  EXPECT_TRUE(secret.starts_with("ordo_sk_"));
  EXPECT_TRUE(IsWellFormedSecretKey(secret));
  // 43 characters of a 62-letter alphabet carry at least 230 bits.
  EXPECT_GE(43 * std::log2(62.0), 230.0);
}

TEST_F(SecretsTest, SecretsAreDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewSecretKey());
  EXPECT_EQ(seen.size(), 1000u);
}

TEST_F(SecretsTest, ChangedCharacterBreaksChecksum) {
  std::string secret = NewSecretKey();
  for (std::size_t pos : {8u, 20u, 50u, 51u, 56u}) {
    std::string bad = secret;
    bad[pos] = bad[pos] == 'a' ? 'b' : 'a';
    EXPECT_FALSE(IsWellFormedSecretKey(bad)) << pos;
  }
}

TEST_F(SecretsTest, WrongPrefixLengthOrAlphabetRefused) {
  std::string secret = NewSecretKey();
  EXPECT_FALSE(IsWellFormedSecretKey("ordo_ak_" + secret.substr(8)));
  EXPECT_FALSE(IsWellFormedSecretKey(secret.substr(0, secret.size() - 1)));
  EXPECT_FALSE(IsWellFormedSecretKey(secret + "a"));
  EXPECT_FALSE(IsWellFormedSecretKey(""));
  std::string dash = secret;
  dash[10] = '-';
  EXPECT_FALSE(IsWellFormedSecretKey(dash));
}

TEST_F(SecretsTest, AccessKeyMalformedRefused) {
  EXPECT_FALSE(IsWellFormedAccessKey("ordo_ak_short"));
  EXPECT_FALSE(IsWellFormedAccessKey("ordo_sk_ABCDEFGHIJKLMNOPQRST"));
  EXPECT_FALSE(IsWellFormedAccessKey("ordo_ak_ABCDEFGHIJ:LMNOPQRST"));
  EXPECT_TRUE(IsWellFormedAccessKey("ordo_ak_ABCDEFGHIJKLMNOPQRST"));
}

TEST_F(SecretsTest, Crc32KnownAnswer) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);  // the standard check value
  EXPECT_EQ(Crc32(""), 0u);
}

TEST_F(SecretsTest, Base62Fixed) {
  EXPECT_EQ(Base62Fixed(0, 6), "000000");
  EXPECT_EQ(Base62Fixed(61, 2), "0z");
  EXPECT_EQ(Base62Fixed(62, 2), "10");
  EXPECT_EQ(Base62Fixed(0xFFFFFFFFu, 6), "4gfFC3");
}

TEST_F(SecretsTest, HintIsLastFour) {
  EXPECT_EQ(SecretHint("ordo_sk_abcdWXYZ"), "WXYZ");
  EXPECT_EQ(SecretHint("ab"), "");
}

TEST_F(SecretsTest, WipeClears) {
  std::string s = "secret";
  Wipe(s);
  EXPECT_TRUE(s.empty());
  SecretString a("x");
  SecretString b = std::move(a);
  EXPECT_EQ(b.value(), "x");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is wiped by design
}

}  // namespace
}  // namespace ordo::auth
