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

TEST(Config, AuthTuningDefaultsAndFileSettings) {
  auto d = LoadConfig({});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->hash_threads, 0u);  // = usable cores
  EXPECT_EQ(d->hash_priority, "idle");
  EXPECT_EQ(d->credential_cache_entries, 10'000u);
  EXPECT_EQ(d->refusal_delay_ms, 1000);
  const auto file = std::filesystem::temp_directory_path() / "ordo-config-auth.toml";
  std::ofstream(file) << "credential_cache_entries = 0\nrefusal_delay_ms = 0\n"
                         "hash_priority = \"nice\"\n";
  auto c = LoadConfig({"--config", file.string()});
  std::filesystem::remove(file);
  ASSERT_TRUE(c.has_value()) << c.error().detail;
  EXPECT_EQ(c->credential_cache_entries, 0u);
  EXPECT_EQ(c->refusal_delay_ms, 0);
  EXPECT_EQ(c->hash_priority, "nice");
  EXPECT_EQ(LoadConfig({"--hash-priority", "realtime"}).error().detail,
            "--hash-priority must be idle, batch, nice or normal, got 'realtime'");
  EXPECT_EQ(LoadConfig({"--refusal-delay-ms", "-5"}).error().code, ErrorCode::kInvalidArgument);
}

TEST(Config, HelpIsNotAnError) {
  auto c = LoadConfig({"--help"});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(c.error().detail.find("--listen"), std::string::npos);
}

}  // namespace
}  // namespace ordo::app
