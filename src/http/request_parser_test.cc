#include "http/request_parser.h"

#include <gtest/gtest.h>

namespace ordo::http {
namespace {

RequestParser MakeParser(std::size_t body_limit = 100) {
  return RequestParser(ParserLimits{64, 256}, [body_limit](const Request&) { return body_limit; });
}

TEST(RequestParser, ParsesARequestWithBody) {
  RequestParser p = MakeParser();
  const std::string wire =
      "POST /api/v1/x?a=1 HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
      "Content-Length: 7\r\n\r\n{\"a\":1}";
  const auto r = p.Feed(wire.data(), wire.size());
  ASSERT_EQ(r.state, RequestParser::State::kComplete);
  EXPECT_EQ(r.consumed, wire.size());
  EXPECT_TRUE(p.keep_alive());
  const Request req = p.TakeRequest();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.path, "/api/v1/x");
  EXPECT_EQ(req.query, "a=1");
  EXPECT_EQ(req.body, "{\"a\":1}");
  EXPECT_EQ(req.Header("content-type"), "application/json");
}

TEST(RequestParser, StopsAtTheEndOfThePipelinedFirstRequest) {
  RequestParser p = MakeParser();
  const std::string one = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string two = "GET /b HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string wire = one + two;
  auto r = p.Feed(wire.data(), wire.size());
  ASSERT_EQ(r.state, RequestParser::State::kComplete);
  EXPECT_EQ(r.consumed, one.size());
  EXPECT_EQ(p.TakeRequest().path, "/a");
  r = p.Feed(wire.data() + one.size(), two.size());
  ASSERT_EQ(r.state, RequestParser::State::kComplete);
  EXPECT_EQ(p.TakeRequest().path, "/b");
}

TEST(RequestParser, AcceptsRequestsSplitAcrossReads) {
  RequestParser p = MakeParser();
  const std::string wire = "PUT /v HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
  for (std::size_t i = 0; i + 1 < wire.size(); ++i) {
    ASSERT_EQ(p.Feed(wire.data() + i, 1).state, RequestParser::State::kNeedMore) << i;
  }
  ASSERT_EQ(p.Feed(wire.data() + wire.size() - 1, 1).state, RequestParser::State::kComplete);
  EXPECT_EQ(p.TakeRequest().body, "abc");
}

TEST(RequestParser, RefusesALongRequestTargetWith414) {
  RequestParser p = MakeParser();
  const std::string wire = "GET /" + std::string(100, 'a') + " HTTP/1.1\r\n\r\n";
  ASSERT_EQ(p.Feed(wire.data(), wire.size()).state, RequestParser::State::kError);
  EXPECT_EQ(p.error().code, ErrorCode::kUriTooLong);
}

TEST(RequestParser, RefusesLargeHeadersWith431) {
  RequestParser p = MakeParser();
  const std::string wire = "GET / HTTP/1.1\r\nX-Big: " + std::string(300, 'b') + "\r\n\r\n";
  ASSERT_EQ(p.Feed(wire.data(), wire.size()).state, RequestParser::State::kError);
  EXPECT_EQ(p.error().code, ErrorCode::kHeadersTooLarge);
}

TEST(RequestParser, RefusesADeclaredLargeBodyBeforeReadingIt) {
  RequestParser p = MakeParser(10);
  const std::string wire = "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n";
  const auto r = p.Feed(wire.data(), wire.size());
  ASSERT_EQ(r.state, RequestParser::State::kError);
  EXPECT_EQ(p.error().code, ErrorCode::kPayloadTooLarge);
}

TEST(RequestParser, RefusesAChunkedBodyCrossingTheLimit) {
  RequestParser p = MakeParser(5);
  const std::string wire =
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\n";
  ASSERT_EQ(p.Feed(wire.data(), wire.size()).state, RequestParser::State::kError);
  EXPECT_EQ(p.error().code, ErrorCode::kPayloadTooLarge);
}

TEST(RequestParser, RefusesGarbageWith400) {
  RequestParser p = MakeParser();
  const std::string wire = "NOT HTTP AT ALL\r\n\r\n";
  ASSERT_EQ(p.Feed(wire.data(), wire.size()).state, RequestParser::State::kError);
  EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
}

TEST(RequestParser, NotesExpectContinue) {
  RequestParser p = MakeParser();
  const std::string wire = "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n";
  ASSERT_EQ(p.Feed(wire.data(), wire.size()).state, RequestParser::State::kNeedMore);
  EXPECT_TRUE(p.headers_complete());
  EXPECT_TRUE(p.wants_continue());
}

TEST(RequestParser, HttpOneZeroClosesByDefault) {
  RequestParser p = MakeParser();
  const std::string wire = "GET / HTTP/1.0\r\n\r\n";
  ASSERT_EQ(p.Feed(wire.data(), wire.size()).state, RequestParser::State::kComplete);
  EXPECT_FALSE(p.keep_alive());
}

}  // namespace
}  // namespace ordo::http
