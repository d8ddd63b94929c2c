#include "store/user_repository.h"

#include <algorithm>

#include "store/session_repository.h"

namespace ordo::store {
namespace {

constexpr const char* kUserColumns =
    "id, username, display_name, email, password_hash, admin, enabled, created_at, updated_at";

UserRecord UserFromRow(const soci::row& row) {
  UserRecord u;
  u.id = row.get<std::string>(0);
  u.username = row.get<std::string>(1);
  u.display_name = row.get<std::string>(2);
  u.email = row.get<std::string>(3);
  u.password_hash = row.get<std::string>(4);
  u.admin = row.get<int>(5) != 0;
  u.enabled = row.get<int>(6) != 0;
  u.created_at = row.get<long long>(7);
  u.updated_at = row.get<long long>(8);
  return u;
}

std::vector<std::string> GroupsOf(soci::session& s, const std::string& user_id) {
  std::vector<std::string> out;
  soci::rowset<std::string> rs =
      (s.prepare << "SELECT group_id FROM group_members WHERE user_id = :u ORDER BY group_id",
       soci::use(user_id));
  for (const auto& g : rs) out.push_back(g);
  return out;
}

std::vector<std::string> MembersOf(soci::session& s, const std::string& group_id) {
  std::vector<std::string> out;
  soci::rowset<std::string> rs =
      (s.prepare << "SELECT u.username FROM group_members m JOIN users u ON u.id = m.user_id "
                    "WHERE m.group_id = :g ORDER BY u.username",
       soci::use(group_id));
  for (const auto& m : rs) out.push_back(m);
  return out;
}

std::optional<UserRecord> SelectUser(soci::session& s, const std::string& column,
                                     const std::string& value) {
  soci::rowset<soci::row> rs =
      (s.prepare << "SELECT " << kUserColumns << " FROM users WHERE " << column << " = :v",
       soci::use(value));
  for (const auto& row : rs) {
    UserRecord u = UserFromRow(row);
    u.groups = GroupsOf(s, u.id);
    return u;
  }
  return std::nullopt;
}

Status ReplaceGroupsOfUser(soci::session& s, const std::string& user_id,
                           const std::vector<std::string>& groups) {
  s << "DELETE FROM group_members WHERE user_id = :u", soci::use(user_id);
  for (const std::string& g : groups) {
    int exists = 0;
    s << "SELECT COUNT(*) FROM user_groups WHERE group_id = :g", soci::use(g), soci::into(exists);
    if (exists == 0) return Fail(ErrorCode::kInvalidArgument, "no group '" + g + "'");
    s << "INSERT INTO group_members (group_id, user_id) VALUES (:g, :u) ON CONFLICT DO NOTHING",
        soci::use(g), soci::use(user_id);
  }
  return {};
}

Status ReplaceMembersOfGroup(soci::session& s, const std::string& group_id,
                             const std::vector<std::string>& usernames) {
  s << "DELETE FROM group_members WHERE group_id = :g", soci::use(group_id);
  for (const std::string& name : usernames) {
    std::string user_id;
    soci::indicator ind = soci::i_null;
    s << "SELECT id FROM users WHERE username = :n", soci::use(name), soci::into(user_id, ind);
    if (ind != soci::i_ok) return Fail(ErrorCode::kInvalidArgument, "no user '" + name + "'");
    s << "INSERT INTO group_members (group_id, user_id) VALUES (:g, :u) ON CONFLICT DO NOTHING",
        soci::use(group_id), soci::use(user_id);
  }
  return {};
}

Status Audit(soci::session& s, const AuditEvent* audit) {
  return audit == nullptr ? Status{} : AppendAuditEvent(s, *audit);
}

}  // namespace

Result<UserRecord> UserRepository::Create(UserRecord user, const AuditEvent* audit) {
  return db_.Write<UserRecord>([&](soci::session& s) -> Result<UserRecord> {
    int taken = 0;
    s << "SELECT COUNT(*) FROM users WHERE username = :n", soci::use(user.username),
        soci::into(taken);
    if (taken > 0) {
      return Fail(ErrorCode::kAlreadyExists, "a user named '" + user.username + "' exists");
    }
    const int admin = user.admin ? 1 : 0;
    const int enabled = user.enabled ? 1 : 0;
    s << "INSERT INTO users (id, username, display_name, email, password_hash, admin, enabled, "
         "created_at, updated_at) VALUES (:id, :u, :d, :e, :p, :a, :en, :c, :up)",
        soci::use(user.id), soci::use(user.username), soci::use(user.display_name),
        soci::use(user.email), soci::use(user.password_hash), soci::use(admin), soci::use(enabled),
        soci::use(user.created_at), soci::use(user.updated_at);
    std::ranges::sort(user.groups);
    if (Status st = ReplaceGroupsOfUser(s, user.id, user.groups); !st) return Fail(st.error());
    if (Status st = Audit(s, audit); !st) return Fail(st.error());
    return user;
  });
}

Result<std::optional<UserRecord>> UserRepository::FindByUsername(const std::string& username) {
  return db_.Read<std::optional<UserRecord>>(
      [&](soci::session& s) -> Result<std::optional<UserRecord>> {
        return SelectUser(s, "username", username);
      });
}

Result<std::optional<UserRecord>> UserRepository::FindById(const std::string& id) {
  return db_.Read<std::optional<UserRecord>>(
      [&](soci::session& s) -> Result<std::optional<UserRecord>> {
        return SelectUser(s, "id", id);
      });
}

Result<std::vector<UserRecord>> UserRepository::List(int limit, const std::string& after) {
  return db_.Read<std::vector<UserRecord>>(
      [&](soci::session& s) -> Result<std::vector<UserRecord>> {
        std::vector<UserRecord> out;
        soci::rowset<soci::row> rs =
            (s.prepare << "SELECT " << kUserColumns
                       << " FROM users WHERE username > :a ORDER BY username LIMIT :l",
             soci::use(after), soci::use(limit));
        for (const auto& row : rs) out.push_back(UserFromRow(row));
        for (auto& u : out) u.groups = GroupsOf(s, u.id);
        return out;
      });
}

Result<UserRecord> UserRepository::Update(const std::string& username, const UserPatch& patch,
                                          const AuditEvent* audit) {
  return db_.Write<UserRecord>([&](soci::session& s) -> Result<UserRecord> {
    std::optional<UserRecord> found = SelectUser(s, "username", username);
    if (!found) return Fail(ErrorCode::kNotFound, "no user '" + username + "'");
    UserRecord u = std::move(*found);
    if (patch.display_name) u.display_name = *patch.display_name;
    if (patch.email) u.email = *patch.email;
    if (patch.password_hash) u.password_hash = *patch.password_hash;
    if (patch.admin) u.admin = *patch.admin;
    if (patch.enabled) u.enabled = *patch.enabled;
    u.updated_at = NowMillis();
    const int admin = u.admin ? 1 : 0;
    const int enabled = u.enabled ? 1 : 0;
    s << "UPDATE users SET display_name = :d, email = :e, password_hash = :p, admin = :a, "
         "enabled = :en, updated_at = :up WHERE id = :id",
        soci::use(u.display_name), soci::use(u.email), soci::use(u.password_hash), soci::use(admin),
        soci::use(enabled), soci::use(u.updated_at), soci::use(u.id);
    if (patch.groups) {
      if (Status st = ReplaceGroupsOfUser(s, u.id, *patch.groups); !st) return Fail(st.error());
      u.groups = GroupsOf(s, u.id);
    }
    // A new password or a disabled account ends every session of the person at once.
    if (patch.password_hash || (patch.enabled && !*patch.enabled)) {
      if (Status st = DeleteUserSessions(s, u.id); !st) return Fail(st.error());
    }
    if (Status st = Audit(s, audit); !st) return Fail(st.error());
    return u;
  });
}

Status UserRepository::Delete(const std::string& username, const AuditEvent* audit) {
  return ToStatus(db_.Write<bool>([&](soci::session& s) -> Result<bool> {
    std::optional<UserRecord> found = SelectUser(s, "username", username);
    if (!found) return Fail(ErrorCode::kNotFound, "no user '" + username + "'");
    if (Status st = DeleteUserSessions(s, found->id); !st) return Fail(st.error());
    s << "DELETE FROM group_members WHERE user_id = :id", soci::use(found->id);
    s << "DELETE FROM users WHERE id = :id", soci::use(found->id);
    if (Status st = Audit(s, audit); !st) return Fail(st.error());
    return true;
  }));
}

Result<long long> UserRepository::Count() {
  return db_.Read<long long>([](soci::session& s) -> Result<long long> {
    long long n = 0;
    s << "SELECT COUNT(*) FROM users", soci::into(n);
    return n;
  });
}

Result<GroupRecord> UserRepository::CreateGroup(GroupRecord group, const AuditEvent* audit) {
  return db_.Write<GroupRecord>([&](soci::session& s) -> Result<GroupRecord> {
    int taken = 0;
    s << "SELECT COUNT(*) FROM user_groups WHERE group_id = :g", soci::use(group.group_id),
        soci::into(taken);
    if (taken > 0) {
      return Fail(ErrorCode::kAlreadyExists, "a group '" + group.group_id + "' exists");
    }
    s << "INSERT INTO user_groups (group_id, name, created_at) VALUES (:g, :n, :c)",
        soci::use(group.group_id), soci::use(group.name), soci::use(group.created_at);
    if (Status st = ReplaceMembersOfGroup(s, group.group_id, group.members); !st) {
      return Fail(st.error());
    }
    group.members = MembersOf(s, group.group_id);
    if (Status st = Audit(s, audit); !st) return Fail(st.error());
    return group;
  });
}

Result<std::optional<GroupRecord>> UserRepository::FindGroup(const std::string& group_id) {
  return db_.Read<std::optional<GroupRecord>>([&](soci::session& s)
                                                  -> Result<std::optional<GroupRecord>> {
    soci::rowset<soci::row> rs =
        (s.prepare << "SELECT group_id, name, created_at FROM user_groups WHERE group_id = :g",
         soci::use(group_id));
    for (const auto& row : rs) {
      GroupRecord g{row.get<std::string>(0), row.get<std::string>(1), {}, row.get<long long>(2)};
      g.members = MembersOf(s, g.group_id);
      return std::optional<GroupRecord>(std::move(g));
    }
    return std::optional<GroupRecord>();
  });
}

Result<std::vector<GroupRecord>> UserRepository::ListGroups(int limit, const std::string& after) {
  return db_.Read<std::vector<GroupRecord>>(
      [&](soci::session& s) -> Result<std::vector<GroupRecord>> {
        std::vector<GroupRecord> out;
        soci::rowset<soci::row> rs =
            (s.prepare << "SELECT group_id, name, created_at FROM user_groups "
                          "WHERE group_id > :a ORDER BY group_id LIMIT :l",
             soci::use(after), soci::use(limit));
        for (const auto& row : rs) {
          out.push_back(GroupRecord{
              row.get<std::string>(0), row.get<std::string>(1), {}, row.get<long long>(2)});
        }
        for (auto& g : out) g.members = MembersOf(s, g.group_id);
        return out;
      });
}

Result<GroupRecord> UserRepository::UpdateGroup(const std::string& group_id,
                                                const GroupPatch& patch, const AuditEvent* audit) {
  return db_.Write<GroupRecord>([&](soci::session& s) -> Result<GroupRecord> {
    int exists = 0;
    s << "SELECT COUNT(*) FROM user_groups WHERE group_id = :g", soci::use(group_id),
        soci::into(exists);
    if (exists == 0) return Fail(ErrorCode::kNotFound, "no group '" + group_id + "'");
    if (patch.name) {
      s << "UPDATE user_groups SET name = :n WHERE group_id = :g", soci::use(*patch.name),
          soci::use(group_id);
    }
    if (patch.members) {
      if (Status st = ReplaceMembersOfGroup(s, group_id, *patch.members); !st) {
        return Fail(st.error());
      }
    }
    GroupRecord g;
    s << "SELECT group_id, name, created_at FROM user_groups WHERE group_id = :g",
        soci::use(group_id), soci::into(g.group_id), soci::into(g.name), soci::into(g.created_at);
    g.members = MembersOf(s, group_id);
    if (Status st = Audit(s, audit); !st) return Fail(st.error());
    return g;
  });
}

Status UserRepository::DeleteGroup(const std::string& group_id, const AuditEvent* audit) {
  return ToStatus(db_.Write<bool>([&](soci::session& s) -> Result<bool> {
    int exists = 0;
    s << "SELECT COUNT(*) FROM user_groups WHERE group_id = :g", soci::use(group_id),
        soci::into(exists);
    if (exists == 0) return Fail(ErrorCode::kNotFound, "no group '" + group_id + "'");
    s << "DELETE FROM group_members WHERE group_id = :g", soci::use(group_id);
    s << "DELETE FROM user_groups WHERE group_id = :g", soci::use(group_id);
    if (Status st = Audit(s, audit); !st) return Fail(st.error());
    return true;
  }));
}

}  // namespace ordo::store
