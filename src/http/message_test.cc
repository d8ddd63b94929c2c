#include "http/message.h"

#include <gtest/gtest.h>

namespace ordo::http {
namespace {

TEST(Message, ParsesAndDecodesQueries) {
  Request r;
  r.query = "state=active&key=a%20b&plus=x+y&flag";
  EXPECT_EQ(r.Query("state"), "active");
  EXPECT_EQ(r.Query("key"), "a b");
  EXPECT_EQ(r.Query("plus"), "x y");
  EXPECT_EQ(r.Query("flag"), "");
  EXPECT_EQ(r.Query("missing"), std::nullopt);
}

TEST(Message, PercentDecodeKeepsMalformedEscapes) {
  EXPECT_EQ(PercentDecode("100%", false), "100%");
  EXPECT_EQ(PercentDecode("%zz%41", false), "%zzA");
}

TEST(Message, PercentEncodeRoundTrips) {
  const std::string s = "a b/c?d=é";
  EXPECT_EQ(PercentDecode(PercentEncode(s), false), s);
}

TEST(Message, SetReplacesCaseInsensitively) {
  Response r;
  r.Add("content-type", "text/plain");
  r.Set("Content-Type", "application/json");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.Get("CONTENT-TYPE"), "application/json");
}

}  // namespace
}  // namespace ordo::http
