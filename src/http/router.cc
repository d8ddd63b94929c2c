#include "http/router.h"

namespace ordo::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const std::size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::Add(std::string method, std::string path_template, Handler handler,
                 std::size_t body_limit) {
  Compiled compiled;
  for (std::string_view seg : SplitPath(path_template)) {
    compiled.segments.emplace_back(seg);
    if (!IsParam(seg)) ++compiled.literal_count;
  }
  compiled_.push_back(std::move(compiled));
  entries_.push_back(
      RouteEntry{std::move(method), std::move(path_template), std::move(handler), body_limit});
}

RouteMatch Router::Match(std::string_view method, std::string_view raw_path) const {
  const std::vector<std::string_view> segments = SplitPath(raw_path);
  RouteMatch result;
  int best_literals = -1;
  int best_any_method = -1;
  std::vector<std::string> allowed;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Compiled& c = compiled_[i];
    if (c.segments.size() != segments.size()) continue;
    bool ok = true;
    for (std::size_t s = 0; s < segments.size() && ok; ++s) {
      ok = IsParam(c.segments[s]) ? !segments[s].empty() : c.segments[s] == segments[s];
    }
    if (!ok) continue;
    // The most literal template decides which resource this is; methods of that resource only.
    if (c.literal_count > best_any_method) {
      best_any_method = c.literal_count;
      allowed.clear();
    }
    if (c.literal_count == best_any_method) allowed.push_back(entries_[i].method);
    if (entries_[i].method == method && c.literal_count > best_literals) {
      best_literals = c.literal_count;
      result.entry = &entries_[i];
    }
  }
  if (result.entry != nullptr && best_literals == best_any_method) {
    result.kind = RouteMatch::Kind::kFound;
    const Compiled& c = compiled_[result.entry - entries_.data()];
    for (std::size_t s = 0; s < segments.size(); ++s) {
      if (IsParam(c.segments[s])) {
        result.params.emplace_back(c.segments[s].substr(1, c.segments[s].size() - 2),
                                   PercentDecode(segments[s], false));
      }
    }
    return result;
  }
  result.entry = nullptr;
  if (!allowed.empty()) {
    result.kind = RouteMatch::Kind::kMethodNotAllowed;
    result.allowed = std::move(allowed);
  }
  return result;
}

std::size_t Router::BodyLimit(std::string_view method, std::string_view raw_path,
                              std::size_t fallback) const {
  const RouteMatch m = Match(method, raw_path);
  return m.kind == RouteMatch::Kind::kFound ? m.entry->body_limit : fallback;
}

}  // namespace ordo::http
