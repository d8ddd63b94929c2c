#pragma once
// Who is calling: a person logged into the web interface or a REST access. The api layer
// builds it from the credentials and passes it to the engine and stores as plain data, so
// that auth and engine never know each other.

#include <set>
#include <string>
#include <vector>

namespace ordo {

// The scopes of API.md section 2.
inline constexpr const char* kScopeRead = "processes:read";
inline constexpr const char* kScopeRun = "processes:run";
inline constexpr const char* kScopeDeploy = "processes:deploy";
inline constexpr const char* kScopeAdmin = "admin";

struct Principal {
  enum class Type { kAnonymous, kUser, kAccess };
  Type type = Type::kAnonymous;
  std::string id;            // user id or access id (internal)
  std::string name;          // username, or the access key
  std::string display_name;  // user's display name, or the access's name
  std::string right;         // accesses: "reader" | "operator" | "designer" | "admin" | "custom"
  std::set<std::string> scopes;
  std::vector<std::string> groups;  // users only
  bool admin = false;               // users only: `admin: true`

  bool Has(const std::string& scope) const { return scopes.contains(scope); }
  bool IsUser() const { return type == Type::kUser; }
  bool IsAccess() const { return type == Type::kAccess; }
};

}  // namespace ordo
