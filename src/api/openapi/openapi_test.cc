// Keeps the OpenAPI document honest: it must describe exactly the routes the server serves,
// with the scope each needs, and every operation must be documented completely enough for an
// integrator (summary, description, success and problem responses with schemas, security).

#include "api/openapi.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/route.h"
#include "api/static_routes.h"
#include "app/config.h"
#include "app/services.h"

namespace ordo::api {
namespace {

using nlohmann::json;

const json& Document() {
  static const json document = json::parse(OpenApiJson());
  return document;
}

struct Expected {
  const char* method;
  const char* path;
  std::optional<std::string> scope;
};

// The routes of API.md, as the server must declare them. Kept until every module's routes are
// in the app's route table; the test below then checks the real table as well.
std::vector<Expected> ApiMdRoutes() {
  const std::optional<std::string> kPublic;
  const std::string any;
  const std::string admin = "admin", read = "processes:read", run = "processes:run",
                    deploy = "processes:deploy";
  return {
      {"POST", "/api/auth/jwt", kPublic},
      {"POST", "/api/auth/token", kPublic},
      {"POST", "/api/auth/login", kPublic},
      {"POST", "/api/auth/logout", kPublic},
      {"GET", "/healthz", kPublic},
      {"GET", "/readyz", kPublic},
      {"GET", "/metrics", kPublic},
      {"GET", "/.well-known/jwks.json", kPublic},
      {"GET", "/api/v1/me", any},
      {"POST", "/api/v1/accesses", admin},
      {"GET", "/api/v1/accesses", admin},
      {"GET", "/api/v1/accesses/{accessKey}", admin},
      {"PATCH", "/api/v1/accesses/{accessKey}", admin},
      {"DELETE", "/api/v1/accesses/{accessKey}", admin},
      {"POST", "/api/v1/accesses/{accessKey}/secret", admin},
      {"GET", "/api/v1/users", admin},
      {"POST", "/api/v1/users", admin},
      {"GET", "/api/v1/users/{username}", admin},
      {"PATCH", "/api/v1/users/{username}", admin},
      {"DELETE", "/api/v1/users/{username}", admin},
      {"GET", "/api/v1/groups", admin},
      {"POST", "/api/v1/groups", admin},
      {"GET", "/api/v1/groups/{groupId}", admin},
      {"PATCH", "/api/v1/groups/{groupId}", admin},
      {"DELETE", "/api/v1/groups/{groupId}", admin},
      {"GET", "/api/v1/audit-events", admin},
      {"POST", "/api/v1/process-definitions", deploy},
      {"GET", "/api/v1/process-definitions", read},
      {"GET", "/api/v1/process-definitions/{id}", read},
      {"GET", "/api/v1/process-definitions/{id}/xml", read},
      {"DELETE", "/api/v1/process-definitions/{id}", deploy},
      {"POST", "/api/v1/process-definitions/key/{key}/start", run},
      {"GET", "/api/v1/process-instances", read},
      {"GET", "/api/v1/process-instances/{id}", read},
      {"DELETE", "/api/v1/process-instances/{id}", run},
      {"GET", "/api/v1/process-instances/{id}/variables", read},
      {"PUT", "/api/v1/process-instances/{id}/variables/{name}", run},
      {"GET", "/api/v1/process-instances/{id}/history", read},
      {"GET", "/api/v1/tasks", read},
      {"GET", "/api/v1/tasks/{id}", read},
      {"POST", "/api/v1/tasks/{id}/claim", run},
      {"POST", "/api/v1/tasks/{id}/unclaim", run},
      {"POST", "/api/v1/tasks/{id}/complete", run},
      {"POST", "/api/v1/external-tasks/fetch-and-lock", run},
      {"POST", "/api/v1/external-tasks/{id}/complete", run},
      {"POST", "/api/v1/external-tasks/{id}/failure", run},
      {"POST", "/api/v1/messages", run},
  };
}

RouteTable TableOf(const std::vector<Expected>& expected) {
  RouteTable table;
  for (const Expected& e : expected) {
    Route route;
    route.method = e.method;
    route.path = e.path;
    route.scope = e.scope;
    table.Add(std::move(route));
  }
  return table;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += "  " + line + "\n";
  return out;
}

// Calls fn(method, path, operation) for each operation of the document.
template <typename Fn>
void ForEachOperation(Fn fn) {
  for (const auto& [path, item] : Document()["paths"].items()) {
    for (const char* method : {"get", "put", "post", "delete", "patch"}) {
      if (item.contains(method)) fn(std::string(method), path, item[method]);
    }
  }
}

TEST(OpenApiTest, IsOpenApi31WithTheThreeSecuritySchemes) {
  const json& doc = Document();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  const json& schemes = doc["components"]["securitySchemes"];
  EXPECT_EQ(schemes["basicAuth"]["type"], "http");
  EXPECT_EQ(schemes["basicAuth"]["scheme"], "basic");
  EXPECT_EQ(schemes["bearerAuth"]["type"], "http");
  EXPECT_EQ(schemes["bearerAuth"]["scheme"], "bearer");
  EXPECT_EQ(schemes["bearerAuth"]["bearerFormat"], "JWT");
  EXPECT_EQ(schemes["oauth2"]["type"], "oauth2");
  EXPECT_EQ(schemes["oauth2"]["flows"]["clientCredentials"]["tokenUrl"], "/api/auth/token");
  for (const char* scope : {"processes:read", "processes:run", "processes:deploy", "admin"}) {
    EXPECT_TRUE(schemes["oauth2"]["flows"]["clientCredentials"]["scopes"].contains(scope)) << scope;
  }
  std::set<std::string> root;
  for (const json& requirement : doc["security"]) {
    for (const auto& [name, scopes] : requirement.items()) root.insert(name);
  }
  EXPECT_EQ(root, (std::set<std::string>{"basicAuth", "bearerAuth", "oauth2"}));
}

TEST(OpenApiTest, DocumentsExactlyTheRoutesOfApiMd) {
  RouteTable table = TableOf(ApiMdRoutes());
  AddStaticRoutes(table);  // serves GET /api/openapi.json
  const std::vector<std::string> problems = CheckOpenApiAgainstRoutes(Document(), table);
  EXPECT_TRUE(problems.empty()) << Join(problems);
}

// Routes of API.md that the app does not serve yet, because their module is not wired into
// AddAllRoutes yet. Each entry must leave this list the moment its route is served (the test
// fails on a listed route that is served), and the list must end up empty.
const std::set<std::string> kNotYetServed = {};

// The real thing: the route table the server builds (app::AddAllRoutes), compared with the
// document in both directions, scopes included.
TEST(OpenApiTest, DocumentsExactlyTheRoutesTheAppServes) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("ordo-openapi-test-" + std::to_string(::getpid()));
  app::Config config;
  config.data_dir = dir.string();
  config.hash_threads = 1;
  setenv("ORDO_ADMIN_PASSWORD", "openapi-test-password", 1);
  auto services = app::BuildServices(config);
  ASSERT_TRUE(services.has_value()) << services.error().detail;
  RouteTable table;
  app::AddAllRoutes(table, **services);

  std::vector<std::string> problems = CheckOpenApiAgainstRoutes(Document(), table);
  std::vector<std::string> unexpected;
  for (const std::string& p : problems) {
    const auto colon = p.find(": documented but not served");
    if (colon != std::string::npos && kNotYetServed.contains(p.substr(0, colon))) continue;
    unexpected.push_back(p);
  }
  EXPECT_TRUE(unexpected.empty()) << Join(unexpected);
  for (const Route& route : table.routes()) {
    EXPECT_FALSE(kNotYetServed.contains(route.method + " " + route.path))
        << route.method << " " << route.path << " is served now: remove it from kNotYetServed";
  }
  services->reset();
  std::filesystem::remove_all(dir);
}

TEST(OpenApiTest, StaticRoutesServeTheDocumentAndAreNotOperations) {
  RouteTable table = TableOf(ApiMdRoutes());
  // Without the static routes, GET /api/openapi.json is documented but not served.
  std::vector<std::string> problems = CheckOpenApiAgainstRoutes(Document(), table);
  problems.erase(std::remove(problems.begin(), problems.end(),
                             "GET /api/openapi.json: documented but not served"),
                 problems.end());
  EXPECT_TRUE(problems.empty()) << Join(problems);

  AddStaticRoutes(table);
  problems = CheckOpenApiAgainstRoutes(Document(), table);
  EXPECT_TRUE(problems.empty()) << Join(problems);
}

TEST(OpenApiTest, CheckFindsDifferencesInBothDirectionsAndScopes) {
  std::vector<Expected> routes = ApiMdRoutes();
  routes.push_back({"GET", "/api/v1/secret-backdoor", std::string("admin")});
  for (Expected& e : routes) {
    if (std::string(e.path) == "/api/v1/tasks" && std::string(e.method) == "GET") {
      e.scope = "admin";
    }
  }
  routes.erase(std::find_if(routes.begin(), routes.end(), [](const Expected& e) {
    return std::string(e.path) == "/api/v1/messages";
  }));
  RouteTable table = TableOf(routes);
  AddStaticRoutes(table);
  const std::vector<std::string> problems = CheckOpenApiAgainstRoutes(Document(), table);
  const std::set<std::string> got(problems.begin(), problems.end());
  EXPECT_EQ(got, (std::set<std::string>{
                     "GET /api/v1/secret-backdoor: served but not documented",
                     "GET /api/v1/tasks: documented as 'processes:read', served as 'admin'",
                     "POST /api/v1/messages: documented but not served",
                 }))
      << Join(problems);
}

TEST(OpenApiTest, EveryOperationIsDocumentedCompletely) {
  std::set<std::string> operation_ids;
  ForEachOperation([&](const std::string& method, const std::string& path, const json& op) {
    const std::string where = method + " " + path;
    EXPECT_FALSE(op.value("summary", "").empty()) << where;
    EXPECT_FALSE(op.value("description", "").empty()) << where;
    ASSERT_TRUE(op.contains("operationId")) << where;
    EXPECT_TRUE(operation_ids.insert(op["operationId"]).second) << where;
    ASSERT_TRUE(op.contains("responses")) << where;
    bool success = false;
    for (const auto& [status, response] : op["responses"].items()) {
      if (status[0] == '2') success = true;
      EXPECT_FALSE(response.empty()) << where << " " << status;
    }
    EXPECT_TRUE(success) << where << ": no 2xx response";
    if (op.contains("requestBody")) {
      const json& content = op["requestBody"]["content"];
      ASSERT_FALSE(content.empty()) << where;
      for (const auto& [type, media] : content.items()) {
        EXPECT_TRUE(media.contains("schema")) << where << " " << type;
      }
      // At least one example a person can start from.
      bool example = false;
      for (const auto& [type, media] : content.items()) {
        example = example || media.contains("example") || media.contains("examples");
      }
      EXPECT_TRUE(example) << where << ": request body without example";
    }
  });
  EXPECT_GE(operation_ids.size(), ApiMdRoutes().size() + 1);
}

// Protected operations answer 401, 403 (when a scope is needed), 429 and 503, and their
// `security` names the scope for OAuth2 so that Swagger UI asks for the right one.
TEST(OpenApiTest, ProtectedOperationsDeclareScopeSecurityAndAuthFailures) {
  ForEachOperation([&](const std::string& method, const std::string& path, const json& op) {
    const std::string where = method + " " + path;
    if (!op.contains("x-required-scope")) {
      // Public: security must be given explicitly, so the root requirement does not apply.
      ASSERT_TRUE(op.contains("security")) << where;
      for (const json& requirement : op["security"]) {
        EXPECT_FALSE(requirement.contains("bearerAuth")) << where;
      }
      return;
    }
    const std::string scope = op["x-required-scope"];
    const json& responses = op["responses"];
    for (const char* status : {"401", "429", "503"}) {
      EXPECT_TRUE(responses.contains(status)) << where << " lacks " << status;
    }
    if (!scope.empty()) {
      EXPECT_TRUE(responses.contains("403")) << where << " lacks 403";
    }
    ASSERT_TRUE(op.contains("security")) << where;
    std::set<std::string> schemes;
    for (const json& requirement : op["security"]) {
      for (const auto& [name, scopes] : requirement.items()) {
        schemes.insert(name);
        if (name == "oauth2") {
          const json want = scope.empty() ? json::array() : json::array({scope});
          EXPECT_EQ(scopes, want) << where;
        }
      }
    }
    EXPECT_EQ(schemes, (std::set<std::string>{"basicAuth", "bearerAuth", "oauth2"})) << where;
  });
}

TEST(OpenApiTest, ProblemResponsesUseProblemJson) {
  const json& doc = Document();
  for (const auto& [name, response] : doc["components"]["responses"].items()) {
    ASSERT_TRUE(response.contains("content")) << name;
    EXPECT_TRUE(response["content"].contains("application/problem+json")) << name;
  }
  ForEachOperation([&](const std::string& method, const std::string& path, const json& op) {
    for (const auto& [status, response] : op["responses"].items()) {
      if (status[0] != '4' && status[0] != '5') continue;
      std::string where = method;
      where.append(" ").append(path).append(" ").append(status);
      if (response.contains("$ref")) {
        EXPECT_EQ(response["$ref"].get<std::string>().rfind("#/components/responses/", 0), 0u)
            << where;
      } else if (path != "/api/auth/token") {  // RFC 6749 errors are plain JSON by design
        EXPECT_TRUE(response["content"].contains("application/problem+json")) << where;
      }
    }
  });
}

TEST(OpenApiTest, EveryReferenceResolves) {
  const json& doc = Document();
  std::vector<std::string> broken;
  auto walk = [&](auto&& self, const json& node) -> void {
    if (node.is_object()) {
      if (auto ref = node.find("$ref"); ref != node.end() && ref->is_string()) {
        const std::string pointer = ref->get<std::string>();
        if (pointer.rfind("#/", 0) != 0 || !doc.contains(json::json_pointer(pointer.substr(1)))) {
          broken.push_back(pointer);
        }
      }
      for (const auto& [key, value] : node.items()) self(self, value);
    } else if (node.is_array()) {
      for (const auto& value : node) self(self, value);
    }
  };
  walk(walk, doc);
  EXPECT_TRUE(broken.empty()) << Join(broken);
}

}  // namespace
}  // namespace ordo::api
