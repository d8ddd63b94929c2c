#include "auth/master_key.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace ordo::auth {
namespace {

class MasterKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    dir = std::filesystem::temp_directory_path() /
          ("ordo-mk-" + std::to_string(::getpid()) + "-" + std::to_string(randombytes_random()));
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
};

TEST_F(MasterKeyTest, CreatesA0600FileOnceAndReadsItBack) {
  auto a = LoadOrCreateMasterKey(dir.string(), std::nullopt);
  ASSERT_TRUE(a.has_value()) << a.error().detail;
  struct stat st {};
  ASSERT_EQ(::stat((dir / "master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto b = LoadOrCreateMasterKey(dir.string(), std::nullopt);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(a->bytes.value(), b->bytes.value());
  EXPECT_EQ(a->bytes.value().size(), 32u);
}

TEST_F(MasterKeyTest, RefusesGroupReadableFile) {
  ASSERT_TRUE(LoadOrCreateMasterKey(dir.string(), std::nullopt).has_value());
  ::chmod((dir / "master.key").c_str(), 0640);
  auto r = LoadOrCreateMasterKey(dir.string(), std::nullopt);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(MasterKeyTest, EnvironmentWinsAndIsParsed) {
  std::string hex(64, 'a');
  auto k = LoadOrCreateMasterKey(dir.string(), hex);
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->bytes.value(), std::string(32, '\xaa'));
  EXPECT_FALSE(std::filesystem::exists(dir / "master.key"));
  auto b64 = ParseMasterKey("qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo=");
  ASSERT_TRUE(b64.has_value());
  EXPECT_EQ(b64->bytes.value(), std::string(32, '\xaa'));
}

TEST_F(MasterKeyTest, BadEnvironmentValueRefused) {
  auto r = ParseMasterKey("short");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().detail.find("short"), std::string::npos);  // never echoes key material
}

TEST_F(MasterKeyTest, SealOpenRoundTrip) {
  auto k = ParseMasterKey(std::string(64, 'b'));
  ASSERT_TRUE(k.has_value());
  auto sealed = Seal(*k, "signing key bytes");
  ASSERT_TRUE(sealed.has_value());
  EXPECT_EQ(sealed->find("signing"), std::string::npos);
  auto opened = Open(*k, *sealed);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->value(), "signing key bytes");
  EXPECT_NE(*Seal(*k, "signing key bytes"), *sealed);  // fresh nonce each time
}

TEST_F(MasterKeyTest, WrongMasterKeyCannotOpen) {
  auto k1 = ParseMasterKey(std::string(64, 'b'));
  auto k2 = ParseMasterKey(std::string(64, 'c'));
  auto sealed = Seal(*k1, "x");
  auto r = Open(*k2, *sealed);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInternal);
}

TEST_F(MasterKeyTest, AlteredBoxCannotOpen) {
  auto k = ParseMasterKey(std::string(64, 'b'));
  std::string sealed = *Seal(*k, "payload");
  sealed[sealed.size() / 2] = sealed[sealed.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(Open(*k, sealed).has_value());
}

}  // namespace
}  // namespace ordo::auth
