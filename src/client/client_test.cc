#include "ordo/client/client.h"

#include <gtest/gtest.h>

namespace ordo::client {
namespace {

TEST(TokenRenewal, KeepsAFreshToken) {
  FakeClock clock;
  const TimePoint expires = clock.Now() + std::chrono::seconds(900);
  EXPECT_FALSE(TokenNeedsRenewal(clock.Now(), expires, std::chrono::seconds(60)));
  clock.Advance(std::chrono::seconds(839));
  EXPECT_FALSE(TokenNeedsRenewal(clock.Now(), expires, std::chrono::seconds(60)));
}

TEST(TokenRenewal, RenewsShortlyBeforeExpiry) {
  FakeClock clock;
  const TimePoint expires = clock.Now() + std::chrono::seconds(900);
  clock.Advance(std::chrono::seconds(840));
  EXPECT_TRUE(TokenNeedsRenewal(clock.Now(), expires, std::chrono::seconds(60)));
  clock.Advance(std::chrono::seconds(600));
  EXPECT_TRUE(TokenNeedsRenewal(clock.Now(), expires, std::chrono::seconds(60)));
}

TEST(Client, MissingCredentialsAreAClearError) {
  Client c(ClientOptions{.base_url = "http://127.0.0.1:1"});
  auto r = c.Send("GET", "/api/v1/me");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(r.error().detail, "no credentials: set ORDO_ACCESS_KEY and ORDO_SECRET_KEY");
}

TEST(Client, UnreachableServerIsUnavailable) {
  Client c(ClientOptions{
      .base_url = "http://127.0.0.1:1", .access_key = "ordo_ak_x", .secret_key = "ordo_sk_y"});
  auto r = c.Send("GET", "/api/v1/me");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().detail.rfind("cannot reach http://127.0.0.1:1", 0), 0u);
}

}  // namespace
}  // namespace ordo::client
