#include "http/request_parser.h"

#include <gtest/gtest.h>

#include <vector>

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

// Feeds the whole wire at once and returns the state.
RequestParser::State FeedAll(RequestParser& p, const std::string& wire) {
  return p.Feed(wire.data(), wire.size()).state;
}

TEST(RequestParser, HttpOneZeroKeepsAliveWhenAsked) {
  RequestParser p = MakeParser();
  ASSERT_EQ(FeedAll(p, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"),
            RequestParser::State::kComplete);
  EXPECT_TRUE(p.keep_alive());
}

TEST(RequestParser, ConnectionCloseEndsKeepAlive) {
  RequestParser p = MakeParser();
  ASSERT_EQ(FeedAll(p, "GET / HTTP/1.1\r\nConnection: TE, close\r\n\r\n"),
            RequestParser::State::kComplete);
  EXPECT_FALSE(p.keep_alive());
}

TEST(RequestParser, ReadsHeadersExactly) {
  RequestParser p = MakeParser();
  ASSERT_EQ(FeedAll(p,
                    "GET /a%2Fb/c?x=1&y HTTP/1.1\r\nHost:  h \r\nX-Empty:\r\n"
                    "Authorization: Bearer  abc.def \t\r\n\r\n"),
            RequestParser::State::kComplete);
  const Request r = p.TakeRequest();
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/a%2Fb/c?x=1&y");
  EXPECT_EQ(r.path, "/a%2Fb/c");
  EXPECT_EQ(r.query, "x=1&y");
  ASSERT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"host", "h"}));
  EXPECT_EQ(r.headers[1], (std::pair<std::string, std::string>{"x-empty", ""}));
  EXPECT_EQ(r.headers[2],
            (std::pair<std::string, std::string>{"authorization", "Bearer  abc.def"}));
}

TEST(RequestParser, AcceptsBareLineFeedsAndLeadingEmptyLines) {
  RequestParser p = MakeParser();
  const std::string wire = "\r\n\r\nPOST /x HTTP/1.1\nContent-Length: 2\n\nhi";
  const auto r = p.Feed(wire.data(), wire.size());
  ASSERT_EQ(r.state, RequestParser::State::kComplete);
  EXPECT_EQ(r.consumed, wire.size());
  EXPECT_EQ(p.TakeRequest().body, "hi");
}

TEST(RequestParser, SplitsAHeadAtEveryPossibleByte) {
  const std::string wire = "GET /split HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n";
  for (std::size_t cut = 1; cut < wire.size(); ++cut) {
    RequestParser p = MakeParser();
    ASSERT_EQ(p.Feed(wire.data(), cut).state, RequestParser::State::kNeedMore) << cut;
    const auto r = p.Feed(wire.data() + cut, wire.size() - cut);
    ASSERT_EQ(r.state, RequestParser::State::kComplete) << cut;
    EXPECT_EQ(r.consumed, wire.size() - cut);
    EXPECT_EQ(p.TakeRequest().Header("x-a"), "1") << cut;
  }
}

TEST(RequestParser, DecodesChunkedBodiesWithExtensionsAndTrailers) {
  RequestParser p = MakeParser();
  const std::string wire =
      "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";
  for (std::size_t i = 0; i + 1 < wire.size(); ++i) {
    ASSERT_EQ(p.Feed(wire.data() + i, 1).state, RequestParser::State::kNeedMore) << i;
  }
  ASSERT_EQ(p.Feed(wire.data() + wire.size() - 1, 1).state, RequestParser::State::kComplete);
  EXPECT_EQ(p.TakeRequest().body, "abc0123456789");
}

TEST(RequestParser, RefusesWhatCouldBeReadTwoWays) {
  // Each of these is a request-smuggling or garbage shape: 400, never a guess.
  const std::vector<std::string> wires = {
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
      "GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n",
      "GET / HTTP/1.1\r\nX-A : 1\r\n\r\n",
      "GET / HTTP/1.1\r\nX-A: a\x01z\r\n\r\n",
      "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
      "GET / HTTP/2.0\r\n\r\n",
      "GET /\r\n\r\n",
      "G(T / HTTP/1.1\r\n\r\n",
      "GET ?x HTTP/1.1\r\n\r\n",
      "GET * HTTP/1.1\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n",
  };
  for (const std::string& wire : wires) {
    RequestParser p = MakeParser();
    ASSERT_EQ(FeedAll(p, wire), RequestParser::State::kError) << wire;
    EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument) << wire;
  }
}

TEST(RequestParser, AsksForTheBodyLimitOnlyWhenThereIsABody) {
  int asked = 0;
  RequestParser p(ParserLimits{64, 256}, [&asked](const Request&) -> std::size_t {
    ++asked;
    return 10;
  });
  ASSERT_EQ(FeedAll(p, "GET / HTTP/1.1\r\n\r\n"), RequestParser::State::kComplete);
  p.TakeRequest();
  ASSERT_EQ(FeedAll(p, "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
            RequestParser::State::kComplete);
  p.TakeRequest();
  EXPECT_EQ(asked, 0);
  ASSERT_EQ(FeedAll(p, "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nok"),
            RequestParser::State::kComplete);
  EXPECT_EQ(asked, 1);
}

TEST(RequestParser, RefusesLongTrailersWith431) {
  RequestParser p = MakeParser();
  const std::string wire =
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: " + std::string(300, 'a') +
      "\r\n\r\n";
  ASSERT_EQ(FeedAll(p, wire), RequestParser::State::kError);
  EXPECT_EQ(p.error().code, ErrorCode::kHeadersTooLarge);
}

TEST(RequestParser, RefusesALongRequestLineBeforeItEnds) {
  RequestParser p = MakeParser();
  const std::string wire = "GET /" + std::string(200, 'a');  // no line end yet
  ASSERT_EQ(FeedAll(p, wire), RequestParser::State::kError);
  EXPECT_EQ(p.error().code, ErrorCode::kUriTooLong);
}

TEST(RequestParser, ChecksEveryByteOfHeaderValuesWhateverItsPosition) {
  // Tabs and obs-text (bytes from 0x80) are allowed; other controls and DEL are refused, at
  // any offset (the check reads eight bytes at a time, then the tail).
  for (std::size_t at = 0; at < 20; ++at) {
    std::string value(19, 'v');
    value[at] = '\t';
    value[(at + 7) % 19] = '\xe9';
    RequestParser ok = MakeParser();
    ASSERT_EQ(FeedAll(ok, "GET / HTTP/1.1\r\nX-V: a" + value + "z\r\n\r\n"),
              RequestParser::State::kComplete)
        << at;
    for (const char bad : {'\x00', '\x01', '\x1f', '\x7f', '\r'}) {
      std::string wrong(19, 'v');
      wrong[at % 19] = bad;
      RequestParser p = MakeParser();
      EXPECT_EQ(FeedAll(p, "GET / HTTP/1.1\r\nX-V: a" + wrong + "z\r\n\r\n"),
                RequestParser::State::kError)
          << at << " " << static_cast<int>(bad);
    }
  }
}

}  // namespace
}  // namespace ordo::http
