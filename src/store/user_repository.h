#pragma once
// Users and groups of people who log into the web interface. Thread-safe (each call uses its own
// pooled session); every state-changing call is one transaction.

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/audit_repository.h"
#include "store/database.h"

namespace ordo::store {

struct UserRecord {
  std::string id;
  std::string username;
  std::string display_name;
  std::string email;
  std::string password_hash;  // argon2id PHC string; never leaves the server
  bool admin = false;
  bool enabled = true;
  std::vector<std::string> groups;  // group ids, sorted
  long long created_at = 0;
  long long updated_at = 0;
};

// Fields a PATCH may change; unset = unchanged.
struct UserPatch {
  std::optional<std::string> display_name;
  std::optional<std::string> email;
  std::optional<std::string> password_hash;
  std::optional<bool> admin;
  std::optional<bool> enabled;
  std::optional<std::vector<std::string>> groups;
};

struct GroupRecord {
  std::string group_id;
  std::string name;
  std::vector<std::string> members;  // usernames, sorted
  long long created_at = 0;
};

struct GroupPatch {
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> members;  // usernames
};

// Every change takes an optional audit event, written in the change's own transaction so that
// the record and the change commit or vanish together.
class UserRepository {
 public:
  explicit UserRepository(Database& db) : db_(db) {}

  // kAlreadyExists when the username is taken; kNotFound when a group does not exist.
  [[nodiscard]] Result<UserRecord> Create(UserRecord user, const AuditEvent* audit = nullptr);
  [[nodiscard]] Result<std::optional<UserRecord>> FindByUsername(const std::string& username);
  [[nodiscard]] Result<std::optional<UserRecord>> FindById(const std::string& id);
  // Ordered by username; `after` is the last username of the previous page.
  [[nodiscard]] Result<std::vector<UserRecord>> List(int limit, const std::string& after);
  [[nodiscard]] Result<UserRecord> Update(const std::string& username, const UserPatch& patch,
                                          const AuditEvent* audit = nullptr);
  [[nodiscard]] Status Delete(const std::string& username, const AuditEvent* audit = nullptr);
  [[nodiscard]] Result<long long> Count();

  [[nodiscard]] Result<GroupRecord> CreateGroup(GroupRecord group,
                                                const AuditEvent* audit = nullptr);
  [[nodiscard]] Result<std::optional<GroupRecord>> FindGroup(const std::string& group_id);
  [[nodiscard]] Result<std::vector<GroupRecord>> ListGroups(int limit, const std::string& after);
  [[nodiscard]] Result<GroupRecord> UpdateGroup(const std::string& group_id,
                                                const GroupPatch& patch,
                                                const AuditEvent* audit = nullptr);
  [[nodiscard]] Status DeleteGroup(const std::string& group_id, const AuditEvent* audit = nullptr);

 private:
  Database& db_;
};

}  // namespace ordo::store
