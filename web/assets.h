#pragma once
// Files the binary serves without touching the disk: the web interface (web/ui), Swagger UI
// (swagger-ui-dist from npm, copied at build time) and the OpenAPI document. The bytes are
// compiled in by web/embed_assets.py, so `ordo serve` works offline from any folder.
// Everything here is immutable static data: thread-safe.

#include <span>
#include <string_view>

namespace ordo::web {

struct Asset {
  std::string_view path;          // URL path, e.g. "/docs/swagger-ui.css"
  std::string_view content_type;  // e.g. "text/css; charset=utf-8"
  std::string_view body;
  std::string_view etag;  // strong validator, quoted: "\"3f2a...\""
  std::string_view gzip;  // the body gzip-compressed, or empty when it does not pay
};

// The asset served at `path` (exact match), or nullptr.
const Asset* FindAsset(std::string_view path);

// Every asset, sorted by path.
std::span<const Asset> AllAssets();

}  // namespace ordo::web
