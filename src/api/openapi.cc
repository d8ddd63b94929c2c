#include "api/openapi.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <utility>

#include "api/static_routes.h"
#include "web/assets.h"

namespace ordo::api {
namespace {

constexpr const char* kMethods[] = {"get",     "put",  "post",  "delete",
                                    "options", "head", "patch", "trace"};

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::string Describe(const std::optional<std::string>& scope) {
  if (!scope) return "public";
  if (scope->empty()) return "any authenticated caller";
  return "'" + *scope + "'";
}

}  // namespace

std::string_view OpenApiJson() {
  const web::Asset* asset = web::FindAsset("/api/openapi.json");
  return asset ? asset->body : std::string_view("{}");
}

std::vector<std::string> CheckOpenApiAgainstRoutes(const nlohmann::json& document,
                                                   const RouteTable& table) {
  std::vector<std::string> problems;
  // "METHOD path" → documented scope (nullopt = public).
  std::map<std::string, std::optional<std::string>> documented;
  const auto paths = document.find("paths");
  if (paths == document.end() || !paths->is_object()) {
    problems.push_back("the document has no paths");
    return problems;
  }
  for (const auto& [path, item] : paths->items()) {
    if (!item.is_object()) continue;
    for (const char* method : kMethods) {
      const auto operation = item.find(method);
      if (operation == item.end()) continue;
      std::optional<std::string> scope;
      if (const auto s = operation->find("x-required-scope"); s != operation->end()) {
        if (!s->is_string()) {
          problems.push_back(Upper(method) + " " + path + ": x-required-scope is not a string");
          continue;
        }
        scope = s->get<std::string>();
      }
      documented.emplace(Upper(method) + " " + path, std::move(scope));
    }
  }

  std::map<std::string, std::optional<std::string>> served;
  for (const Route& route : table.routes()) {
    if (IsStaticAssetPath(route.path)) continue;
    const std::string key = Upper(route.method) + " " + route.path;
    if (!served.emplace(key, route.scope).second) {
      problems.push_back(key + ": served twice");
    }
  }

  for (const auto& [key, scope] : served) {
    const auto it = documented.find(key);
    if (it == documented.end()) {
      problems.push_back(key + ": served but not documented");
    } else if (it->second != scope) {
      problems.push_back(key + ": documented as " + Describe(it->second) + ", served as " +
                         Describe(scope));
    }
  }
  for (const auto& [key, scope] : documented) {
    if (!served.contains(key)) problems.push_back(key + ": documented but not served");
  }
  return problems;
}

}  // namespace ordo::api
