#include "auth/rights.h"

#include "core/principal.h"

namespace ordo::auth {

const std::vector<std::string>& AllScopes() {
  static const std::vector<std::string> kAll = {kScopeRead, kScopeRun, kScopeDeploy, kScopeAdmin};
  return kAll;
}

bool IsKnownScope(std::string_view scope) {
  for (const auto& s : AllScopes()) {
    if (s == scope) return true;
  }
  return false;
}

std::optional<std::vector<std::string>> ScopesOfRight(std::string_view right) {
  if (right == "reader") return std::vector<std::string>{kScopeRead};
  if (right == "operator") return std::vector<std::string>{kScopeRead, kScopeRun};
  if (right == "designer") return std::vector<std::string>{kScopeRead, kScopeRun, kScopeDeploy};
  if (right == "admin") return AllScopes();
  return std::nullopt;
}

std::string RightOfScopes(const std::set<std::string>& scopes) {
  for (const char* right : {"reader", "operator", "designer", "admin"}) {
    auto named = *ScopesOfRight(right);
    if (std::set<std::string>(named.begin(), named.end()) == scopes) return right;
  }
  return "custom";
}

std::set<std::string> UserScopes(bool admin) {
  if (admin) return {AllScopes().begin(), AllScopes().end()};
  return {kScopeRead, kScopeRun, kScopeDeploy};
}

std::set<std::string> SplitScopeString(std::string_view text) {
  std::set<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ') ++j;
    if (j > i) out.emplace(text.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string JoinScopeString(const std::set<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

}  // namespace ordo::auth
