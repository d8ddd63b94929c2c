#include "api/api_dispatcher.h"

#include <gtest/gtest.h>

#include "api/errors.h"

namespace ordo::api {
namespace {

// Accepts "Authorization: let-me-in" as an access with processes:read.
class FakeAuthenticator : public Authenticator {
 public:
  void Authenticate(const http::RequestPtr& request,
                    std::function<void(Result<Principal>)> done) override {
    if (request->Header("authorization") == "let-me-in") {
      Principal p;
      p.type = Principal::Type::kAccess;
      p.name = "ordo_ak_test";
      p.scopes = {kScopeRead};
      return done(p);
    }
    done(Fail(ErrorCode::kUnauthenticated, "no", "invalid-credentials"));
  }
};

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    table_.Add(Route{.method = "GET",
                     .path = "/open",
                     .scope = std::nullopt,
                     .handler = [](const Call&) -> Result<http::Response> {
                       return JsonResponse(200, {{"ok", true}});
                     }});
    table_.Add(Route{
        .method = "GET",
        .path = "/things/{id}",
        .scope = kScopeRead,
        .handler = [](const Call& c) -> Result<http::Response> {
          return JsonResponse(200, {{"id", c.request.Param("id")}, {"who", c.principal.name}});
        }});
    table_.Add(Route{.method = "DELETE",
                     .path = "/things/{id}",
                     .scope = kScopeDeploy,
                     .handler = [](const Call&) -> Result<http::Response> { return NoContent(); }});
    table_.Add(Route{.method = "GET",
                     .path = "/boom",
                     .scope = std::nullopt,
                     .handler = [](const Call&) -> Result<http::Response> {
                       throw std::runtime_error("secret internals");
                     }});
    dispatcher_ = std::make_unique<ApiDispatcher>(table_, &auth_, metrics_);
    server_side_ = dispatcher_->ForServer();
  }

  http::Response Send(std::string method, std::string path, http::Headers headers = {}) {
    auto req = std::make_shared<http::Request>();
    req->method = std::move(method);
    req->path = std::move(path);
    req->headers = std::move(headers);
    req->request_id = "rid";
    http::Response out;
    server_side_.handle(req, [&out](http::Response r) { out = std::move(r); });
    return out;
  }

  RouteTable table_;
  FakeAuthenticator auth_;
  Metrics metrics_;
  std::unique_ptr<ApiDispatcher> dispatcher_;
  http::Dispatcher server_side_;
};

TEST_F(DispatcherTest, PublicRouteNeedsNoCredentials) {
  EXPECT_EQ(Send("GET", "/open").status, 200);
}

TEST_F(DispatcherTest, UnknownPathIs404Problem) {
  const http::Response r = Send("GET", "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Get("Content-Type"), "application/problem+json");
}

TEST_F(DispatcherTest, WrongMethodIs405WithAllow) {
  const http::Response r = Send("POST", "/things/1");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Get("Allow"), "GET, DELETE");
}

TEST_F(DispatcherTest, ProtectedRouteWithoutCredentialsIs401) {
  EXPECT_EQ(Send("GET", "/things/1").status, 401);
}

TEST_F(DispatcherTest, CallerAndPathParametersReachTheHandler) {
  const http::Response r = Send("GET", "/things/a%20b", {{"authorization", "let-me-in"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body),
            (nlohmann::json{{"id", "a b"}, {"who", "ordo_ak_test"}}));
}

TEST_F(DispatcherTest, MissingScopeIs403InsufficientScope) {
  const http::Response r = Send("DELETE", "/things/1", {{"authorization", "let-me-in"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(nlohmann::json::parse(r.body)["type"], "/problems/insufficient-scope");
}

TEST_F(DispatcherTest, ExceptionBecomes500WithoutItsMessage) {
  const http::Response r = Send("GET", "/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret internals"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(r.body)["requestId"], "rid");
}

TEST_F(DispatcherTest, NoCredentialsAre401BeforeTheBody) {
  http::Request r;
  r.method = "DELETE";
  r.path = "/things/1";
  auto early = server_side_.answer_before_body(r);
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(early->status, 401);
  r.headers = {{"authorization", "let-me-in"}};
  EXPECT_FALSE(server_side_.answer_before_body(r).has_value());  // decided after the body
  r.headers = {};
  r.method = "GET";
  r.path = "/open";
  EXPECT_FALSE(server_side_.answer_before_body(r).has_value());  // public
}

TEST_F(DispatcherTest, HeadIsServedByGet) { EXPECT_EQ(Send("HEAD", "/open").status, 200); }

TEST_F(DispatcherTest, MetricsCountByRouteTemplate) {
  auto req = std::make_shared<http::Request>();
  req->method = "GET";
  req->route = "/things/{id}";
  server_side_.on_complete(*req, http::Response::Text(200, ""), std::chrono::milliseconds(3));
  EXPECT_NE(metrics_.Render().find(
                "ordo_http_requests_total{method=\"GET\",route=\"/things/{id}\",status=\"200\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace ordo::api
