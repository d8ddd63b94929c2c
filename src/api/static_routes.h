#pragma once
// Routes that serve embedded files (web/assets.h): the web interface at "/" and "/ui/...",
// the interactive API documentation at "/docs" and "/docs/...", and the OpenAPI document at
// "/api/openapi.json". All public (no authentication), GET only, with strong ETags
// (If-None-Match → 304), gzip when the client accepts it, and the security headers of
// API.md section 4/5 (Content-Security-Policy without inline scripts, frame-ancestors 'none',
// X-Content-Type-Options: nosniff, Referrer-Policy). Stateless: thread-safe.

#include <string_view>

#include "api/route.h"
#include "http/message.h"
#include "web/assets.h"

namespace ordo::api {

// Adds one GET route per embedded asset to `table` (scope std::nullopt: public).
void AddStaticRoutes(RouteTable& table);

// The response for `asset` given the request's If-None-Match and Accept-Encoding.
http::Response AssetResponse(const web::Asset& asset, const http::Request& request);

// True for the paths AddStaticRoutes serves that are pages and files rather than API
// operations ("/", "/ui/...", "/docs", "/docs/..."): the OpenAPI document leaves them out.
bool IsStaticAssetPath(std::string_view path);

}  // namespace ordo::api
