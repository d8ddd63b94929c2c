#pragma once
// Rights (API.md section 2): named sets of scopes, and what a logged-in person may do
// (issue 3 item 2). Free functions, thread-safe.

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ordo::auth {

// The four scopes, in a stable order.
const std::vector<std::string>& AllScopes();
bool IsKnownScope(std::string_view scope);
// "reader" → {processes:read}, ..., "admin" → all four; nullopt for anything else ("custom"
// included: custom is an answer, never a request).
std::optional<std::vector<std::string>> ScopesOfRight(std::string_view right);
// The named right with exactly these scopes, else "custom".
std::string RightOfScopes(const std::set<std::string>& scopes);
// Scopes of a person in the web interface: admins have every scope; others the process scopes.
std::set<std::string> UserScopes(bool admin);
// "a b c" ↔ set.
std::set<std::string> SplitScopeString(std::string_view text);
std::string JoinScopeString(const std::set<std::string>& scopes);

}  // namespace ordo::auth
