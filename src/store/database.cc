#include "store/database.h"

#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <mutex>

#include "store/libpq.h"

namespace ordo::store {
namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Removes the password from a PostgreSQL URL so it can be logged and shown.
std::string Redact(const std::string& url) {
  const std::size_t scheme = url.find("://");
  const std::size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const std::size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

// SOCI 4.0 mangles a libpq URI (it appends its own options to the string, so
// "postgresql://h:p/db" connects to a database named "db="): hand it libpq's keyword=value form
// of the same URL instead. (issue 7)
Result<std::string> PgKeywordForm(const LibPq& pq, const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* opts = pq.conninfo_parse(url.c_str(), &err);
  if (opts == nullptr) {
    std::string reason = err != nullptr ? err : "bad URL";
    if (err != nullptr) pq.freemem(err);
    if (const std::size_t nl = reason.find('\n'); nl != std::string::npos) reason.resize(nl);
    return Fail(ErrorCode::kInvalidArgument, "bad PostgreSQL URL: " + reason);
  }
  std::string out;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string quoted;
    for (const char* c = o->val; *c != '\0'; ++c) {
      if (*c == '\\' || *c == '\'') quoted += '\\';
      quoted += *c;
    }
    out += std::string(out.empty() ? "" : " ") + o->keyword + "='" + quoted + "'";
  }
  pq.conninfo_free(opts);
  return out;
}

// The reason in a SOCI connection error, in one line: SOCI puts a generic sentence first and
// libpq's words after it.
std::string ConnectFailure(std::string what) {
  constexpr std::string_view kGeneric = "Cannot establish connection to the database.\n";
  if (StartsWith(what, kGeneric)) what.erase(0, kGeneric.size());
  if (const std::size_t nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
  return what;
}

// Process-wide SQLite settings, applied once before the first connection (sqlite3_config only
// works before SQLite initialises itself).
// No bulk page-cache allocation: by default every connection mallocs room for 20 pages up
// front and writes into each of them, ~86 KiB resident per pooled connection (700 KiB for the
// default pool of 8) even while idle on an empty database. Pages are then allocated one at a
// time as each connection reads them; its cache still grows to cache_size.
void ConfigureSqliteLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    // soci-sqlite3.h includes sqlite3.h inside namespace sqlite_api.
    if (sqlite_api::sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0) != SQLITE_OK) {
      spdlog::debug("event=sqlite_config_skipped reason=\"SQLite was already initialised\"");
    }
  });
}

// SQLite pragmas for every pooled connection.
// synchronous=FULL: in WAL mode it fsyncs the log on every commit, so a transaction answered
// 2xx survives a power cut, not only a process crash (NORMAL would risk the last commits).
// Ordo's writes are few next to its reads, so the fsync costs little where it matters.
void ConfigureSqlite(soci::session& s) {
  s << "PRAGMA journal_mode=WAL";
  s << "PRAGMA synchronous=FULL";
  s << "PRAGMA foreign_keys=ON";
  s << "PRAGMA busy_timeout=10000";
}

}  // namespace

long long NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsUniqueViolation(const soci::soci_error& e) {
  const std::string what = e.what();
  return what.find("UNIQUE constraint failed") != std::string::npos ||
         what.find("duplicate key value") != std::string::npos;
}

Database::Database(Dialect dialect, std::string display_name, std::size_t pool_size)
    : dialect_(dialect),
      display_name_(std::move(display_name)),
      pool_(std::make_unique<soci::connection_pool>(pool_size)),
      pool_size_(pool_size) {}

Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::Open(const std::string& url, std::size_t pool_size) {
  if (pool_size == 0) pool_size = 1;
  std::unique_ptr<Database> db;
  std::string connect;
  const soci::backend_factory* backend = nullptr;
  if (StartsWith(url, kSqlitePrefix)) {
    const std::string path = url.substr(kSqlitePrefix.size());
    if (path.empty()) return Fail(ErrorCode::kInvalidArgument, "the sqlite: URL has no path");
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      return Fail(ErrorCode::kUnavailable, "cannot open database " + path + ": folder " +
                                               parent.string() + " does not exist");
    }
    db.reset(new Database(Dialect::kSqlite, url, pool_size));
    connect = "db=\"" + path + "\" timeout=10 shared_cache=false";
    backend = soci::factory_sqlite3();
    ConfigureSqliteLibrary();
  } else if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
    // Loaded here, on the first PostgreSQL URL, not linked (libpq.h).
    auto pq = LibPq::Get();
    if (!pq) return Fail(ErrorCode::kUnavailable, "PostgreSQL support: " + pq.error().detail);
    db.reset(new Database(Dialect::kPostgres, Redact(url), pool_size));
    auto keywords = PgKeywordForm(**pq, url);
    if (!keywords) return Fail(keywords.error());
    connect = *keywords;
    backend = (*pq)->soci_factory;
  } else {
    return Fail(ErrorCode::kInvalidArgument,
                "unsupported database URL (use sqlite:PATH or postgresql://...)");
  }
  try {
    for (std::size_t i = 0; i < pool_size; ++i) {
      soci::session& s = db->pool_->at(i);
      s.open(*backend, connect);
      if (db->dialect_ == Dialect::kSqlite) ConfigureSqlite(s);
    }
  } catch (const std::exception& e) {
    const std::string reason = ConnectFailure(e.what());
    return Fail(ErrorCode::kUnavailable,
                "cannot open database " + db->display_name_ + ": " + Redact(reason));
  }
  return db;
}

// A pooled PostgreSQL session whose connection broke (server restart, network cut, idle
// connection killed) is reopened before its next use, and after the failure it caused, so the
// pool heals by itself once the database is back; until then callers get kUnavailable
// (/readyz answers 503). (issue 7)
void Database::HealSession(soci::session& s) {
  if (dialect_ != Dialect::kPostgres || s.is_connected()) return;
  try {
    s.reconnect();
    spdlog::info("event=database_reconnected database={}", display_name_);
  } catch (const std::exception& e) {
    spdlog::warn("event=database_reconnect_failed database={} error=\"{}\"", display_name_,
                 ConnectFailure(e.what()));
  }
}

Status Database::Run(bool transaction, const std::function<Status(soci::session&)>& fn) {
  // The pooled session itself, not a soci::session(pool) proxy: the proxy keeps a copy of the
  // back-end pointer, which a reconnect() frees (a crash on the next statement).
  struct Lease {
    soci::connection_pool& pool;
    std::size_t position;
    ~Lease() { pool.give_back(position); }
  } lease{*pool_, pool_->lease()};
  soci::session& s = pool_->at(lease.position);
  try {
    HealSession(s);
    if (!transaction) return fn(s);
    const char* begin = dialect_ == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN";
    try {
      s << begin;
    } catch (const soci::soci_error&) {
      // Nothing was done yet: a connection that died while idle in the pool gets one retry on a
      // fresh connection.
      if (dialect_ != Dialect::kPostgres || s.is_connected()) throw;
      HealSession(s);
      s << begin;
    }
    Status st;
    try {
      st = fn(s);
    } catch (...) {
      try {
        s << "ROLLBACK";
      } catch (...) {  // the connection is gone; the server rolled back for us
      }
      throw;
    }
    s << (st ? "COMMIT" : "ROLLBACK");
    return st;
  } catch (const soci::soci_error& e) {
    spdlog::error("event=database_error database={} error=\"{}\"", display_name_, e.what());
    HealSession(s);
    return Fail(ErrorCode::kUnavailable, "the database is not available");
  } catch (const std::exception& e) {
    spdlog::error("event=database_error database={} error=\"{}\"", display_name_, e.what());
    return Fail(ErrorCode::kInternal, "internal error");
  }
}

bool Database::Ping() {
  auto r = Read<int>([](soci::session& s) -> Result<int> {
    int one = 0;
    s << "SELECT 1", soci::into(one);
    return one;
  });
  return r.has_value() && *r == 1;
}

}  // namespace ordo::store
