#include "app/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ordo::app {
namespace {

TEST(Config, DefaultsWork) {
  auto c = LoadConfig({});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->port, 8080);
  EXPECT_EQ(c->DatabaseUrl(), "sqlite:./ordo-data/ordo.db");
  EXPECT_EQ(c->BaseUrl(), "http://127.0.0.1:8080");
}

TEST(Config, FlagBeatsEnvironmentBeatsFile) {
  const auto file = std::filesystem::temp_directory_path() / "ordo-config-test.toml";
  std::ofstream(file) << "listen = \"127.0.0.1:7000\"\ndata = \"/tmp/from-file\"\nio_threads = 3\n";
  setenv("ORDO_DATA", "/tmp/from-env", 1);
  auto c = LoadConfig({"--config", file.string(), "--listen", "0.0.0.0:9000"});
  unsetenv("ORDO_DATA");
  ASSERT_TRUE(c.has_value()) << c.error().detail;
  EXPECT_EQ(c->port, 9000);
  EXPECT_EQ(c->data_dir, "/tmp/from-env");
  EXPECT_EQ(c->io_threads, 3u);
  std::filesystem::remove(file);
}

TEST(Config, BadValuesAreOneLineErrors) {
  EXPECT_EQ(LoadConfig({"--listen", "nowhere"}).error().detail,
            "--listen must be HOST:PORT, got 'nowhere'");
  EXPECT_EQ(LoadConfig({"--io-threads", "many"}).error().detail,
            "--io-threads must be a whole number from 0 to 256, got 'many'");
  EXPECT_EQ(LoadConfig({"--tls-cert", "a.pem"}).error().detail,
            "--tls-cert and --tls-key must be given together");
  EXPECT_EQ(LoadConfig({"--bogus"}).error().code, ErrorCode::kInvalidArgument);
}

TEST(Config, UnreadableOrUnknownFileSettingsAreErrors) {
  auto missing = LoadConfig({"--config", "/nonexistent/ordo.toml"});
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().detail.find("cannot read config file /nonexistent/ordo.toml"),
            std::string::npos);
  const auto file = std::filesystem::temp_directory_path() / "ordo-config-unknown.toml";
  std::ofstream(file) << "lisen = \"x\"\n";
  EXPECT_NE(LoadConfig({"--config", file.string()}).error().detail.find("unknown setting 'lisen'"),
            std::string::npos);
  std::filesystem::remove(file);
}

TEST(Config, HelpIsNotAnError) {
  auto c = LoadConfig({"--help"});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(c.error().detail.find("--listen"), std::string::npos);
}

}  // namespace
}  // namespace ordo::app
