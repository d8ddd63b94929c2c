#pragma once
// The database: a pool of SOCI sessions on SQLite (embedded default) or PostgreSQL. Every
// repository takes a Database& and runs its SQL through Read() or Write().
//
// SQL conventions (the same statements must run on both databases):
// - ids TEXT; names TEXT; booleans INTEGER 0/1; times BIGINT Unix milliseconds (*_at columns);
//   JSON documents TEXT; no AUTOINCREMENT/SERIAL unless the migration gives a PostgreSQL twin.
// - placeholders `:name` (SOCI binds them for both back ends); no `INSERT OR ...`, use
//   `INSERT ... ON CONFLICT (...) DO ...` which both understand.
//
// Thread-safe: each call takes a session from the pool for its duration.

#include <soci/soci.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"

namespace ordo::store {

enum class Dialect { kSqlite, kPostgres };

class Database {
 public:
  // `url`: "sqlite:/path/to/file.db" or "postgresql://user@host:port/db?..." (libpq URI).
  [[nodiscard]] static Result<std::unique_ptr<Database>> Open(const std::string& url,
                                                              std::size_t pool_size);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const { return dialect_; }
  // A description without credentials, for logs: "sqlite:/data/ordo.db".
  const std::string& display_name() const { return display_name_; }

  // Runs `fn` on a pooled session without a transaction (single statements, reads).
  // SOCI exceptions become kUnavailable (connection trouble) or kInternal; the SQL text and
  // database message go to the log, never into the Error detail.
  template <typename T>
  [[nodiscard]] Result<T> Read(const std::function<Result<T>(soci::session&)>& fn) {
    return RunTyped<T>(false, fn);
  }

  // Runs `fn` in one transaction: committed when `fn` returns a value, rolled back when it
  // returns an error or throws. On SQLite the transaction starts IMMEDIATE (takes the write
  // lock up front) so that two writers never dead-lock on a lock upgrade.
  template <typename T>
  [[nodiscard]] Result<T> Write(const std::function<Result<T>(soci::session&)>& fn) {
    return RunTyped<T>(true, fn);
  }

  // True when a trivial query answers; used by /readyz.
  bool Ping();

 private:
  Database(Dialect dialect, std::string display_name, std::size_t pool_size);
  Status Run(bool transaction, const std::function<Status(soci::session&)>& fn);

  template <typename T>
  Result<T> RunTyped(bool transaction, const std::function<Result<T>(soci::session&)>& fn) {
    Result<T> out = Fail(ErrorCode::kInternal, "not run");
    bool returned = false;  // fn returned (did not throw, was not skipped)
    Status st = Run(transaction, [&](soci::session& s) -> Status {
      out = fn(s);
      returned = true;
      if (!out) return Fail(out.error());
      return {};
    });
    // The database's error wins when fn never returned (connection lost: kUnavailable, not a
    // 500 "not run").
    if (!st && (out || !returned)) return Fail(st.error());
    return out;
  }
  // Reopens a PostgreSQL session whose connection is broken; never throws. (issue 7)
  void HealSession(soci::session& s);

  Dialect dialect_;
  std::string display_name_;
  std::unique_ptr<soci::connection_pool> pool_;
  std::size_t pool_size_;
};

// Current time in the stores' representation.
long long NowMillis();

// True when `e` reports a UNIQUE/PRIMARY KEY violation (SQLite or PostgreSQL wording). Catch
// soci::soci_error inside a Write() callback and map it to kAlreadyExists with this.
bool IsUniqueViolation(const soci::soci_error& e);

}  // namespace ordo::store
