#pragma once
// The OpenAPI 3.1 document of Ordo's API (authored in src/api/openapi/openapi.yaml, embedded
// as JSON by web/embed_assets.py, served by AddStaticRoutes at GET /api/openapi.json), and the
// check that keeps it honest: every route of the server is documented, every documented
// operation is served, and each operation's `x-required-scope` is the route's scope.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/route.h"

namespace ordo::api {

// The embedded document, as served.
std::string_view OpenApiJson();

// Differences between `document` and `table`, one readable line each ("GET /api/v1/x: served
// but not documented", "... documented but not served", "... scope 'admin' documented,
// 'processes:read' served"); empty when they agree. Routes for which IsStaticAssetPath() is
// true (pages and files) are not API operations and are skipped.
std::vector<std::string> CheckOpenApiAgainstRoutes(const nlohmann::json& document,
                                                   const RouteTable& table);

}  // namespace ordo::api
