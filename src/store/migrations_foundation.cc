#include "store/migrations.h"

namespace ordo::store {

std::vector<Migration> FoundationMigrations() {
  return {
      {100,
       "users and groups",
       {
           "CREATE TABLE users ("
           " id TEXT PRIMARY KEY,"
           " username TEXT NOT NULL UNIQUE,"
           " display_name TEXT NOT NULL DEFAULT '',"
           " email TEXT NOT NULL DEFAULT '',"
           " password_hash TEXT NOT NULL,"
           " admin INTEGER NOT NULL DEFAULT 0,"
           " enabled INTEGER NOT NULL DEFAULT 1,"
           " created_at BIGINT NOT NULL,"
           " updated_at BIGINT NOT NULL)",
           "CREATE TABLE user_groups ("
           " group_id TEXT PRIMARY KEY,"
           " name TEXT NOT NULL,"
           " created_at BIGINT NOT NULL)",
           "CREATE TABLE group_members ("
           " group_id TEXT NOT NULL REFERENCES user_groups(group_id) ON DELETE CASCADE,"
           " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
           " PRIMARY KEY (group_id, user_id))",
           "CREATE INDEX group_members_user ON group_members(user_id)",
       },
       {}},
  };
}

}  // namespace ordo::store
