#include "http/router.h"

#include <gtest/gtest.h>

namespace ordo::http {
namespace {

Handler Noop() {
  return [](RequestPtr, Reply) {};
}

TEST(Router, MatchesLiteralAndParameterSegments) {
  Router r;
  r.Add("GET", "/api/v1/accesses/{accessKey}", Noop(), 1);
  const RouteMatch m = r.Match("GET", "/api/v1/accesses/ordo_ak_x%20y");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.entry->path_template, "/api/v1/accesses/{accessKey}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "accessKey");
  EXPECT_EQ(m.params[0].second, "ordo_ak_x y");
}

TEST(Router, LiteralWinsOverParameter) {
  Router r;
  r.Add("GET", "/api/v1/process-definitions/{id}", Noop(), 1);
  r.Add("GET", "/api/v1/process-definitions/latest", Noop(), 2);
  EXPECT_EQ(r.Match("GET", "/api/v1/process-definitions/latest").entry->body_limit, 2u);
  EXPECT_EQ(r.Match("GET", "/api/v1/process-definitions/abc").entry->body_limit, 1u);
}

TEST(Router, ReportsAllowedMethods) {
  Router r;
  r.Add("GET", "/api/v1/users", Noop(), 1);
  r.Add("POST", "/api/v1/users", Noop(), 1);
  const RouteMatch m = r.Match("DELETE", "/api/v1/users");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "POST"}));
}

TEST(Router, UnknownPathIsNotFound) {
  Router r;
  r.Add("GET", "/api/v1/users", Noop(), 1);
  EXPECT_EQ(r.Match("GET", "/api/v1/nope").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(r.Match("GET", "/api/v1/users/x").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, EncodedSlashStaysInsideTheParameter) {
  Router r;
  r.Add("GET", "/a/{id}", Noop(), 1);
  const RouteMatch m = r.Match("GET", "/a/x%2Fy");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.params[0].second, "x/y");
}

TEST(Router, BodyLimitFallsBackForUnknownRoutes) {
  Router r;
  r.Add("POST", "/big", Noop(), 10 << 20);
  EXPECT_EQ(r.BodyLimit("POST", "/big", 5), std::size_t{10 << 20});
  EXPECT_EQ(r.BodyLimit("POST", "/other", 5), 5u);
}

}  // namespace
}  // namespace ordo::http
