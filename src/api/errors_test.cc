#include "api/errors.h"

#include <gtest/gtest.h>

namespace ordo::api {
namespace {

std::vector<std::string> All(const http::Response& r, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : r.headers) {
    if (k == name) out.push_back(v);
  }
  return out;
}

TEST(Errors, EveryCodeHasItsStatus) {
  const std::vector<std::pair<ErrorCode, int>> table = {{ErrorCode::kInvalidArgument, 400},
                                                        {ErrorCode::kNotFound, 404},
                                                        {ErrorCode::kAlreadyExists, 409},
                                                        {ErrorCode::kFailedPrecondition, 409},
                                                        {ErrorCode::kConflict, 409},
                                                        {ErrorCode::kUnprocessable, 422},
                                                        {ErrorCode::kUnauthenticated, 401},
                                                        {ErrorCode::kPermissionDenied, 403},
                                                        {ErrorCode::kResourceExhausted, 429},
                                                        {ErrorCode::kUnavailable, 503},
                                                        {ErrorCode::kMethodNotAllowed, 405},
                                                        {ErrorCode::kPayloadTooLarge, 413},
                                                        {ErrorCode::kUnsupportedMediaType, 415},
                                                        {ErrorCode::kHeadersTooLarge, 431},
                                                        {ErrorCode::kUriTooLong, 414},
                                                        {ErrorCode::kRequestTimeout, 408},
                                                        {ErrorCode::kInternal, 500}};
  for (const auto& [code, status] : table)
    EXPECT_EQ(StatusFor(code), status) << ErrorCodeName(code);
}

TEST(Errors, ProblemBodyIsRfc9457) {
  http::Request req;
  req.request_id = "rid-1";
  const http::Response r =
      ProblemResponse(Error{ErrorCode::kNotFound, "no access 'x'", {}, {}}, req);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Get("Content-Type"), "application/problem+json");
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["type"], "/problems/not-found");
  EXPECT_EQ(body["title"], "Not found");
  EXPECT_EQ(body["status"], 404);
  EXPECT_EQ(body["detail"], "no access 'x'");
  EXPECT_EQ(body["requestId"], "rid-1");
}

TEST(Errors, UnauthenticatedOffersBothChallenges) {
  http::Request req;
  const http::Response r =
      ProblemResponse(Error{ErrorCode::kUnauthenticated, "bad", "invalid-credentials", {}}, req);
  EXPECT_EQ(All(r, "WWW-Authenticate"),
            (std::vector<std::string>{"Basic realm=\"ordo\", charset=\"UTF-8\"",
                                      "Bearer realm=\"ordo\""}));
  EXPECT_EQ(nlohmann::json::parse(r.body)["type"], "/problems/invalid-credentials");
}

TEST(Errors, ScriptsAndTokenUsersGetOnlyTheBearerChallenge) {
  http::Request from_page;
  from_page.headers = {{"x-requested-with", "XMLHttpRequest"}};
  EXPECT_EQ(All(ProblemResponse(Error{ErrorCode::kUnauthenticated, "", {}, {}}, from_page),
                "WWW-Authenticate"),
            std::vector<std::string>{"Bearer realm=\"ordo\""});
  http::Request with_token;
  with_token.headers = {{"authorization", "Bearer abc"}};
  EXPECT_EQ(
      All(ProblemResponse(Error{ErrorCode::kUnauthenticated, "", "invalid-token", {}}, with_token),
          "WWW-Authenticate"),
      std::vector<std::string>{"Bearer realm=\"ordo\", error=\"invalid_token\""});
}

TEST(Errors, InsufficientScopeChallenge) {
  http::Request req;
  const http::Response r =
      ProblemResponse(Error{ErrorCode::kPermissionDenied, "", "insufficient-scope", {}}, req);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.Get("WWW-Authenticate"), "Bearer realm=\"ordo\", error=\"insufficient_scope\"");
}

TEST(Errors, ThrottleAndOverloadCarryRetryAfter) {
  http::Request req;
  EXPECT_EQ(
      ProblemResponse(Error{ErrorCode::kResourceExhausted, "", {}, 12}, req).Get("Retry-After"),
      "12");
  EXPECT_EQ(ProblemResponse(Error{ErrorCode::kUnavailable, "", {}, {}}, req).Get("Retry-After"),
            "1");
}

TEST(Errors, JsonBodyNeedsJsonContentType) {
  http::Request req;
  req.body = "{}";
  req.headers = {{"content-type", "text/plain"}};
  EXPECT_EQ(ParseJsonBody(req).error().code, ErrorCode::kUnsupportedMediaType);
  req.headers = {{"content-type", "application/json; charset=utf-8"}};
  EXPECT_TRUE(ParseJsonBody(req).has_value());
  req.headers = {{"content-type", "application/merge-patch+json"}};
  EXPECT_TRUE(ParseJsonBody(req).has_value());
}

TEST(Errors, MalformedJsonIs400) {
  http::Request req;
  req.headers = {{"content-type", "application/json"}};
  req.body = "{\"a\":";
  EXPECT_EQ(ParseJsonBody(req).error().code, ErrorCode::kInvalidArgument);
  req.body = "[1]";
  EXPECT_EQ(ParseJsonBody(req).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ordo::api
