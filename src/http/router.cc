#include "http/router.h"

#include <array>

namespace ordo::http {
namespace {

// Longer paths match no route (templates are far shorter); it bounds the work per request and
// lets the segments live on the stack.
constexpr std::size_t kMaxSegments = 16;

struct Segments {
  std::array<std::string_view, kMaxSegments> items;
  std::size_t size = 0;
  bool too_many = false;
};

Segments SplitPath(std::string_view path) {
  Segments out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    if (out.size == kMaxSegments) {
      out.too_many = true;
      return out;
    }
    const std::size_t slash = path.find('/');
    out.items[out.size++] = path.substr(0, slash);
    if (slash == std::string_view::npos) return out;
    path.remove_prefix(slash + 1);
  }
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool Matches(const std::vector<std::string>& templ, const std::vector<bool>& is_param,
             const Segments& segments) {
  if (templ.size() != segments.size) return false;
  for (std::size_t s = 0; s < segments.size; ++s) {
    const bool ok =
        is_param[s] ? !segments.items[s].empty() : std::string_view(templ[s]) == segments.items[s];
    if (!ok) return false;
  }
  return true;
}

}  // namespace

void Router::Add(std::string method, std::string path_template, Handler handler,
                 std::size_t body_limit) {
  Compiled compiled;
  const Segments segments = SplitPath(path_template);
  for (std::size_t i = 0; i < segments.size; ++i) {
    const std::string_view seg = segments.items[i];
    compiled.segments.emplace_back(seg);
    compiled.is_param.push_back(IsParam(seg));
    if (!IsParam(seg)) ++compiled.literal_count;
  }
  if (compiled.literal_count == static_cast<int>(compiled.segments.size())) {
    literal_[path_template].push_back(entries_.size());
  }
  compiled_.push_back(std::move(compiled));
  entries_.push_back(
      RouteEntry{std::move(method), std::move(path_template), std::move(handler), body_limit});
}

RouteMatch Router::Match(std::string_view method, std::string_view raw_path) const {
  RouteMatch result;
  if (const auto literal = literal_.find(raw_path); literal != literal_.end()) {
    for (const std::size_t i : literal->second) {
      if (entries_[i].method == method) {
        result.kind = RouteMatch::Kind::kFound;
        result.entry = &entries_[i];
        return result;
      }
    }
    result.kind = RouteMatch::Kind::kMethodNotAllowed;
    for (const std::size_t i : literal->second) result.allowed.push_back(entries_[i].method);
    return result;
  }
  const Segments segments = SplitPath(raw_path);
  if (segments.too_many) return result;
  // The most literal template decides which resource this is; methods of that resource only.
  int best_literals = -1;
  int best_any_method = -1;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Compiled& c = compiled_[i];
    if (c.literal_count < best_any_method || !Matches(c.segments, c.is_param, segments)) continue;
    best_any_method = c.literal_count;
    if (entries_[i].method == method && c.literal_count > best_literals) {
      best_literals = c.literal_count;
      result.entry = &entries_[i];
    }
  }
  if (result.entry != nullptr && best_literals == best_any_method) {
    result.kind = RouteMatch::Kind::kFound;
    const Compiled& c = compiled_[result.entry - entries_.data()];
    for (std::size_t s = 0; s < segments.size; ++s) {
      if (c.is_param[s]) {
        result.params.emplace_back(c.segments[s].substr(1, c.segments[s].size() - 2),
                                   PercentDecode(segments.items[s], false));
      }
    }
    return result;
  }
  result.entry = nullptr;
  if (best_any_method < 0) return result;
  // 405: every method of the resource that was found.
  result.kind = RouteMatch::Kind::kMethodNotAllowed;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Compiled& c = compiled_[i];
    if (c.literal_count == best_any_method && Matches(c.segments, c.is_param, segments)) {
      result.allowed.push_back(entries_[i].method);
    }
  }
  return result;
}

std::size_t Router::BodyLimit(std::string_view method, std::string_view raw_path,
                              std::size_t fallback) const {
  const RouteMatch m = Match(method, raw_path);
  return m.kind == RouteMatch::Kind::kFound ? m.entry->body_limit : fallback;
}

}  // namespace ordo::http
