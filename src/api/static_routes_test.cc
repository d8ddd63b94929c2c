#include "api/static_routes.h"

#include <gtest/gtest.h>

#include <string>

#include "core/principal.h"

namespace ordo::api {
namespace {

http::Response Get(const RouteTable& table, const std::string& path, http::Headers headers = {}) {
  for (const Route& route : table.routes()) {
    if (route.method == "GET" && route.path == path) {
      http::Request request;
      request.method = "GET";
      request.path = path;
      request.target = path;
      request.headers = std::move(headers);
      Principal anonymous;
      auto result = route.handler(Call{request, anonymous});
      EXPECT_TRUE(result.has_value());
      return result.has_value() ? *result : http::Response{};
    }
  }
  ADD_FAILURE() << "no route for " << path;
  return {};
}

RouteTable Table() {
  RouteTable table;
  AddStaticRoutes(table);
  return table;
}

TEST(StaticRoutesTest, EveryRouteIsPublicGet) {
  const RouteTable table = Table();
  ASSERT_FALSE(table.routes().empty());
  for (const Route& route : table.routes()) {
    EXPECT_EQ(route.method, "GET");
    EXPECT_FALSE(route.scope.has_value()) << route.path;
    EXPECT_TRUE(static_cast<bool>(route.handler)) << route.path;
    EXPECT_FALSE(route.summary.empty()) << route.path;
  }
}

TEST(StaticRoutesTest, WebInterfacePageHasStrictSecurityHeaders) {
  const http::Response r = Get(Table(), "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Get("content-type"), "text/html; charset=utf-8");
  const std::string csp(r.Get("content-security-policy").value_or(""));
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(r.Get("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.Get("referrer-policy"), "no-referrer");
  EXPECT_EQ(r.Get("x-frame-options"), "DENY");
}

TEST(StaticRoutesTest, DocsPageAllowsNoInlineScript) {
  const http::Response r = Get(Table(), "/docs");
  EXPECT_EQ(r.status, 200);
  const std::string csp(r.Get("content-security-policy").value_or(""));
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos);
  EXPECT_EQ(r.Get("x-content-type-options"), "nosniff");
  EXPECT_NE(r.body.find("/docs/swagger-initializer.js"), std::string::npos);
  EXPECT_EQ(r.body.find("<script>"), std::string::npos);
}

TEST(StaticRoutesTest, MatchingEtagGives304WithoutBody) {
  const RouteTable table = Table();
  const http::Response first = Get(table, "/docs/swagger-ui.css");
  ASSERT_EQ(first.status, 200);
  const std::string etag(first.Get("etag").value_or(""));
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(first.Get("cache-control"), "no-cache");

  const http::Response again = Get(table, "/docs/swagger-ui.css", {{"if-none-match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.Get("etag"), etag);

  const http::Response listed =
      Get(table, "/docs/swagger-ui.css", {{"if-none-match", "\"other\", W/" + etag}});
  EXPECT_EQ(listed.status, 304);

  const http::Response other = Get(table, "/docs/swagger-ui.css", {{"if-none-match", "\"x\""}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.body, first.body);
}

TEST(StaticRoutesTest, GzipOnlyWhenAccepted) {
  const RouteTable table = Table();
  const http::Response plain = Get(table, "/docs/swagger-ui-bundle.js");
  EXPECT_FALSE(plain.Get("content-encoding").has_value());
  EXPECT_EQ(plain.Get("vary"), "Accept-Encoding");

  const http::Response gz =
      Get(table, "/docs/swagger-ui-bundle.js", {{"accept-encoding", "br, gzip;q=0.8"}});
  EXPECT_EQ(gz.Get("content-encoding"), "gzip");
  EXPECT_LT(gz.body.size(), plain.body.size());

  const http::Response refused =
      Get(table, "/docs/swagger-ui-bundle.js", {{"accept-encoding", "gzip;q=0, br"}});
  EXPECT_FALSE(refused.Get("content-encoding").has_value());
}

TEST(StaticRoutesTest, OpenApiDocumentIsServedAsJson) {
  const http::Response r = Get(Table(), "/api/openapi.json");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Get("content-type"), "application/json");
  EXPECT_NE(r.body.find("\"openapi\": \"3.1.0\""), std::string::npos);
}

TEST(StaticRoutesTest, StaticAssetPaths) {
  EXPECT_TRUE(IsStaticAssetPath("/"));
  EXPECT_TRUE(IsStaticAssetPath("/ui/js/main.js"));
  EXPECT_TRUE(IsStaticAssetPath("/docs"));
  EXPECT_TRUE(IsStaticAssetPath("/docs/swagger-ui.css"));
  EXPECT_FALSE(IsStaticAssetPath("/api/openapi.json"));
  EXPECT_FALSE(IsStaticAssetPath("/docsx"));
  EXPECT_FALSE(IsStaticAssetPath("/healthz"));
}

}  // namespace
}  // namespace ordo::api
