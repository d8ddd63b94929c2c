#include "api/request_fields.h"

#include <gtest/gtest.h>

namespace ordo::api {
namespace {

TEST(RequestFields, UnknownFieldIsNamed) {
  const auto st = RejectUnknownFields({{"name", "x"}, {"nmae", "y"}}, {"name"});
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().detail, "unknown field 'nmae'");
}

TEST(RequestFields, WrongTypesAre400) {
  const nlohmann::json body = {{"name", 3}, {"enabled", "yes"}, {"n", 1.5}, {"list", {1}}};
  EXPECT_EQ(OptionalString(body, "name").error().detail, "'name' must be a string");
  EXPECT_EQ(OptionalBool(body, "enabled").error().detail, "'enabled' must be true or false");
  EXPECT_EQ(OptionalInteger(body, "n").error().detail, "'n' must be an integer");
  EXPECT_EQ(OptionalStringList(body, "list").error().detail, "'list' must be an array of strings");
  EXPECT_EQ(RequiredString(body, "missing").error().detail, "'missing' is required");
}

TEST(RequestFields, PagesDefaultAndLimit) {
  http::Request req;
  EXPECT_EQ(ParsePage(req)->limit, 50);
  req.query = "limit=500";
  EXPECT_EQ(ParsePage(req)->limit, 500);
  for (const char* bad : {"limit=0", "limit=501", "limit=x", "limit=5x"}) {
    req.query = bad;
    EXPECT_EQ(ParsePage(req).error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(RequestFields, CursorRoundTrips) {
  http::Request req;
  req.query = "cursor=" + EncodeCursor("user/ä 1");
  EXPECT_EQ(ParsePage(req)->after, "user/ä 1");
  req.query = "cursor=***";
  EXPECT_EQ(ParsePage(req).error().code, ErrorCode::kInvalidArgument);
}

TEST(RequestFields, ListBodyShape) {
  EXPECT_EQ(ListBody(nlohmann::json::array(), std::nullopt),
            (nlohmann::json{{"items", nlohmann::json::array()}, {"nextCursor", nullptr}}));
  EXPECT_EQ(ListBody(nlohmann::json::array(), "k")["nextCursor"], EncodeCursor("k"));
}

}  // namespace
}  // namespace ordo::api
