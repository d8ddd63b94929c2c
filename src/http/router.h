#pragma once
// Maps (method, path) to a handler. Templates are literal segments and `{name}` segments
// ("/api/v1/accesses/{accessKey}"); a literal segment wins over a parameter at the same place.
// Filled at start-up, then read-only: Match is thread-safe once Add calls are done.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.h"

namespace ordo::http {

struct RouteEntry {
  std::string method;
  std::string path_template;
  Handler handler;
  std::size_t body_limit;
};

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  const RouteEntry* entry = nullptr;                        // kFound
  std::vector<std::pair<std::string, std::string>> params;  // kFound, decoded
  std::vector<std::string> allowed;                         // kMethodNotAllowed
};

class Router {
 public:
  void Add(std::string method, std::string path_template, Handler handler, std::size_t body_limit);
  // `path` is the raw (not yet decoded) path: segments are split first, then decoded, so an
  // encoded '/' inside a parameter stays inside it.
  RouteMatch Match(std::string_view method, std::string_view raw_path) const;
  // Body limit of the route the request will reach, or `fallback` when none.
  std::size_t BodyLimit(std::string_view method, std::string_view raw_path,
                        std::size_t fallback) const;
  const std::vector<RouteEntry>& entries() const { return entries_; }

 private:
  struct Compiled {
    std::vector<std::string> segments;  // "{x}" marks a parameter
    std::vector<bool> is_param;
    int literal_count = 0;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<RouteEntry> entries_;
  std::vector<Compiled> compiled_;
  // Templates without parameters, by their exact path: most requests are answered by one hash
  // lookup. A path equal to such a template can match no other template as well (a parameter
  // template of the same length has fewer literal segments), so the lookup decides alone.
  std::unordered_map<std::string, std::vector<std::size_t>, StringHash, std::equal_to<>> literal_;
};

}  // namespace ordo::http
