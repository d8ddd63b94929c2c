// Schema of the auth module: REST accesses, audit events, web sessions, token signing keys, and a
// change counter that lets every node notice access changes made by another node.
#include "store/migrations.h"

namespace ordo::store {

std::vector<Migration> AuthMigrations() {
  return {
      {200,
       "rest accesses",
       {
           "CREATE TABLE accesses ("
           " id TEXT PRIMARY KEY,"
           " access_key TEXT NOT NULL UNIQUE,"
           " name TEXT NOT NULL UNIQUE,"
           " right_name TEXT NOT NULL,"  // reader | operator | designer | admin | custom
           " scopes TEXT NOT NULL,"      // space-separated, sorted
           " enabled INTEGER NOT NULL DEFAULT 1,"
           " generation BIGINT NOT NULL,"
           " secret_hash TEXT NOT NULL,"  // argon2id PHC; the secret itself is never stored
           " secret_hint TEXT NOT NULL,"
           " previous_secret_hash TEXT,"
           " previous_secret_hint TEXT,"
           " previous_valid_until BIGINT,"
           " created_at BIGINT NOT NULL,"
           " created_by TEXT NOT NULL,"
           " secret_updated_at BIGINT NOT NULL,"
           " last_used_at BIGINT,"
           " last_used_from TEXT,"
           " expires_at BIGINT,"
           " updated_at BIGINT NOT NULL)",
           // One row; bumped in the same transaction as every access change. Each node polls it
           // and reloads its live-access table when it moved (multi-node revocation < 1 s).
           "CREATE TABLE auth_state (id INTEGER PRIMARY KEY, access_version BIGINT NOT NULL)",
           "INSERT INTO auth_state (id, access_version) VALUES (1, 0)",
       },
       {}},
      {201,
       "audit events",
       {
           "CREATE TABLE audit_events ("
           " id TEXT PRIMARY KEY,"
           " at BIGINT NOT NULL,"
           " action TEXT NOT NULL,"      // e.g. access.created, auth.failed, login.succeeded
           " outcome TEXT NOT NULL,"     // success | failure | throttled ...
           " actor_type TEXT NOT NULL,"  // user | access | anonymous | system
           " actor TEXT NOT NULL,"       // username or access key; never a secret
           " target TEXT NOT NULL,"      // the access key / username acted upon, or ''
           " client_address TEXT NOT NULL,"
           " request_id TEXT NOT NULL,"
           " detail TEXT NOT NULL)",  // JSON object, never a secret
           "CREATE INDEX audit_events_at ON audit_events (at, id)",
           "CREATE INDEX audit_events_action ON audit_events (action, at)",
       },
       {}},
      {202,
       "web sessions",
       {
           // The session token and CSRF token are stored as SHA-256 digests: a leaked database
           // does not hand out live sessions.
           "CREATE TABLE sessions ("
           " id_hash TEXT PRIMARY KEY,"
           " user_id TEXT NOT NULL,"
           " csrf_hash TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " last_seen_at BIGINT NOT NULL,"
           " expires_at BIGINT NOT NULL,"
           " client_address TEXT NOT NULL)",
           "CREATE INDEX sessions_user ON sessions (user_id)",
           "CREATE INDEX sessions_expires ON sessions (expires_at)",
       },
       {}},
      {203,
       "token signing keys",
       {
           // secret_box: base64(nonce || crypto_secretbox_easy(key material)) under the master
           // key, which lives outside the database.
           "CREATE TABLE signing_keys ("
           " kid TEXT PRIMARY KEY,"
           " alg TEXT NOT NULL,"
           " public_key TEXT NOT NULL,"
           " secret_box TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " verify_until BIGINT,"
           " active INTEGER NOT NULL DEFAULT 0)",
       },
       {}},
  };
}

}  // namespace ordo::store
