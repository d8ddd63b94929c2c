#include "api/static_routes.h"

#include <string>
#include <utility>

namespace ordo::api {
namespace {

// The web interface loads only its own scripts, styles and images and talks only to its own
// origin. No 'unsafe-inline' anywhere: everything user-typed is shown as text, and even an
// injected tag could not run a script.
constexpr std::string_view kUiCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'";

// Swagger UI: scripts from 'self' only (its initializer is a file, not inline), but React sets
// style attributes and the bundle injects a few <style> elements, and its icons are data: URIs.
// Requests (try it out, OAuth2 token) go to this origin only.
constexpr std::string_view kDocsCsp =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'";

// Not a page: nothing may run or be framed.
constexpr std::string_view kDataCsp = "default-src 'none'; frame-ancestors 'none'";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string_view CspFor(std::string_view path) {
  if (path == "/docs" || StartsWith(path, "/docs/")) return kDocsCsp;
  if (path == "/" || StartsWith(path, "/ui/")) return kUiCsp;
  return kDataCsp;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls `fn` with each trimmed element of a comma-separated header value.
template <typename Fn>
void ForEachListElement(std::string_view value, Fn fn) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    fn(Trim(value.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// RFC 9110 section 13.1.2: weak comparison, so "W/" prefixes match too.
bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  bool match = false;
  ForEachListElement(if_none_match, [&](std::string_view tag) {
    if (StartsWith(tag, "W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) match = true;
  });
  return match;
}

// True when Accept-Encoding lists gzip without q=0.
bool AcceptsGzip(std::string_view accept_encoding) {
  bool gzip = false;
  ForEachListElement(accept_encoding, [&](std::string_view coding) {
    const auto semicolon = coding.find(';');
    std::string_view name = Trim(coding.substr(0, semicolon));
    if (name != "gzip" && name != "x-gzip") return;
    if (semicolon != std::string_view::npos) {
      std::string_view params = coding.substr(semicolon + 1);
      std::string compact;
      for (char c : params) {
        if (c != ' ' && c != '\t') compact.push_back(c);
      }
      if (compact == "q=0" || compact == "q=0." || compact == "q=0.0" || compact == "q=0.00" ||
          compact == "q=0.000") {
        return;
      }
    }
    gzip = true;
  });
  return gzip;
}

void AddSecurityHeaders(http::Response& response, std::string_view path) {
  response.Set("Content-Security-Policy", std::string(CspFor(path)));
  response.Set("X-Content-Type-Options", "nosniff");
  response.Set("X-Frame-Options", "DENY");  // for browsers without frame-ancestors
  response.Set("Referrer-Policy", "no-referrer");
  response.Set("Cross-Origin-Opener-Policy", "same-origin");
  response.Set("Cross-Origin-Resource-Policy", "same-origin");
  response.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
}

}  // namespace

bool IsStaticAssetPath(std::string_view path) {
  return path == "/" || StartsWith(path, "/ui/") || path == "/docs" || StartsWith(path, "/docs/");
}

http::Response AssetResponse(const web::Asset& asset, const http::Request& request) {
  http::Response response;
  AddSecurityHeaders(response, asset.path);
  response.Set("ETag", std::string(asset.etag));
  // Revalidate every time: the ETag makes that a cheap 304, and a new binary's files are
  // picked up at once.
  response.Set("Cache-Control", "no-cache");
  if (!asset.gzip.empty()) response.Set("Vary", "Accept-Encoding");

  if (auto inm = request.Header("if-none-match"); inm && EtagMatches(*inm, asset.etag)) {
    response.status = 304;
    return response;
  }
  response.status = 200;
  response.Set("Content-Type", std::string(asset.content_type));
  const auto accept_encoding = request.Header("accept-encoding");
  if (!asset.gzip.empty() && accept_encoding && AcceptsGzip(*accept_encoding)) {
    response.Set("Content-Encoding", "gzip");
    response.body.assign(asset.gzip);
  } else {
    response.body.assign(asset.body);
  }
  return response;
}

void AddStaticRoutes(RouteTable& table) {
  for (const web::Asset& asset : web::AllAssets()) {
    Route route;
    route.method = "GET";
    route.path = std::string(asset.path);
    route.scope = std::nullopt;  // public: the pages themselves log in through the API
    route.summary =
        asset.path == "/api/openapi.json" ? "This document" : "Embedded file " + route.path;
    const web::Asset* served = &asset;  // static storage: outlives every route
    route.handler = [served](const Call& call) -> Result<http::Response> {
      return AssetResponse(*served, call.request);
    };
    table.Add(std::move(route));
  }
}

}  // namespace ordo::api
