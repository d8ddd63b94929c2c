#include "app/db_copy.h"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "store/database.h"
#include "store/migrations.h"

namespace ordo::app {
namespace {

constexpr std::string_view kSqlite = "sqlite:";
constexpr std::size_t kRowsPerInsert = 200;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Tables a fresh migration fills by itself (their rows are replaced by the source's).
bool SeededByMigrations(const std::string& table) { return table == "auth_state"; }

std::string Quoted(const std::string& identifier) { return "\"" + identifier + "\""; }

struct TableShape {
  std::string name;
  std::vector<std::string> columns;
};

// Ordo's tables in creation order (referenced tables before the tables that reference them).
Result<std::vector<TableShape>> SourceTables(store::Database& src) {
  return src.Read<std::vector<TableShape>>([](soci::session& s) -> Result<std::vector<TableShape>> {
    std::vector<TableShape> out;
    soci::rowset<std::string> names =
        (s.prepare << "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                      "'sqlite_%' AND name <> 'schema_migrations' ORDER BY rowid");
    for (const auto& n : names) out.push_back(TableShape{n, {}});
    for (auto& t : out) {
      soci::rowset<soci::row> cols = (s.prepare << "PRAGMA table_info(" + Quoted(t.name) + ")");
      for (const auto& c : cols) t.columns.push_back(c.get<std::string>("name"));
    }
    return out;
  });
}

Result<long long> CountRows(store::Database& db, const std::string& table) {
  return db.Read<long long>([&](soci::session& s) -> Result<long long> {
    long long n = 0;
    s << "SELECT COUNT(*) FROM " + Quoted(table), soci::into(n);
    return n;
  });
}

}  // namespace

Result<DbCopyReport> CopyDatabase(const std::string& from_url, const std::string& to_url) {
  if (!StartsWith(from_url, kSqlite)) {
    return Fail(ErrorCode::kInvalidArgument, "--from must be sqlite:PATH");
  }
  if (!StartsWith(to_url, "postgresql://") && !StartsWith(to_url, "postgres://")) {
    return Fail(ErrorCode::kInvalidArgument, "--to must be a postgresql:// URL");
  }
  // Database::Open would create a missing SQLite file: a typo must not copy an empty database.
  const std::string path = from_url.substr(kSqlite.size());
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Fail(ErrorCode::kNotFound, "no SQLite database at " + path);
  }
  auto src = store::Database::Open(from_url, 1);
  if (!src) return Fail(src.error());
  auto dst = store::Database::Open(to_url, 1);
  if (!dst) return Fail(dst.error());
  for (auto* db : {src->get(), dst->get()}) {
    if (auto st = store::ApplyMigrations(*db, store::AllMigrations()); !st) {
      return Fail(st.error().code,
                  "cannot prepare database " + db->display_name() + ": " + st.error().detail);
    }
  }
  auto tables = SourceTables(**src);
  if (!tables) return Fail(tables.error());
  for (const auto& t : *tables) {
    if (SeededByMigrations(t.name)) continue;
    auto n = CountRows(**dst, t.name);
    if (!n) return Fail(n.error());
    if (*n > 0) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "the target database already holds Ordo data (table " + t.name + " has " +
                      std::to_string(*n) + " rows): copy into a database no Ordo has served");
    }
  }

  DbCopyReport report;
  auto copied = (*dst)->Write<bool>([&](soci::session& out) -> Result<bool> {
    for (auto it = tables->rbegin(); it != tables->rend(); ++it) {
      out << "DELETE FROM " + Quoted(it->name);
    }
    for (const auto& t : *tables) {
      std::string columns, literals;
      for (const auto& c : t.columns) {
        columns += (columns.empty() ? "" : ", ") + Quoted(c);
        literals += std::string(literals.empty() ? "" : " || ',' || ") + "quote(" + Quoted(c) + ")";
      }
      const std::string insert = "INSERT INTO " + Quoted(t.name) + " (" + columns + ") VALUES ";
      long long rows = 0;
      std::string batch;
      std::size_t in_batch = 0;
      auto flush = [&] {
        if (in_batch == 0) return;
        out << insert + batch;
        batch.clear();
        in_batch = 0;
      };
      auto read = (*src)->Read<bool>([&](soci::session& in) -> Result<bool> {
        soci::rowset<std::string> values =
            (in.prepare << "SELECT " + literals + " FROM " + Quoted(t.name));
        for (const auto& v : values) {
          batch += (in_batch == 0 ? "(" : ", (") + v + ")";
          ++rows;
          if (++in_batch == kRowsPerInsert) flush();
        }
        flush();
        return true;
      });
      if (!read) return Fail(read.error());
      report.tables.push_back(DbCopyReport::Table{t.name, rows});
    }
    return true;
  });
  if (!copied) return Fail(copied.error());
  // Proof rather than hope: the target now holds as many rows as the source, table by table.
  for (const auto& t : report.tables) {
    auto n = CountRows(**dst, t.name);
    if (!n) return Fail(n.error());
    if (*n != t.rows) {
      return Fail(ErrorCode::kInternal, "table " + t.name + ": copied " + std::to_string(t.rows) +
                                            " rows but the target holds " + std::to_string(*n));
    }
  }
  return report;
}

namespace {

constexpr const char* kDbUsage =
    "usage: ordo db copy --from sqlite:PATH --to postgresql://USER@HOST:PORT/DB\n"
    "\n"
    "Copies everything in a (stopped) single-node SQLite installation into an empty PostgreSQL\n"
    "database. Start the new nodes with the old data folder's master key (the file master.key,\n"
    "or ORDO_MASTER_KEY) so that token signing keys and sessions stay valid.\n";

}  // namespace

int RunDb(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::fputs(kDbUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] != "copy") {
    std::fprintf(stderr, "ordo db: error: unknown command '%s' (try: ordo db --help)\n",
                 args[0].c_str());
    return 2;
  }
  std::string from, to;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string_view flag, std::string& into) {
      if (a == flag && i + 1 < args.size()) {
        into = args[++i];
        return true;
      }
      if (StartsWith(a, std::string(flag) + "=")) {
        into = a.substr(flag.size() + 1);
        return true;
      }
      return false;
    };
    if (a == "-h" || a == "--help") {
      std::fputs(kDbUsage, stdout);
      return 0;
    }
    if (!value("--from", from) && !value("--to", to)) {
      std::fprintf(stderr, "ordo db copy: error: unexpected argument '%s'\n", a.c_str());
      return 2;
    }
  }
  if (from.empty() || to.empty()) {
    std::fputs("ordo db copy: error: both --from and --to are needed\n", stderr);
    return 2;
  }
  auto report = CopyDatabase(from, to);
  if (!report) {
    std::fprintf(stderr, "ordo db copy: error: %s\n", report.error().detail.c_str());
    return report.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  long long total = 0;
  for (const auto& t : report->tables) {
    std::printf("%-24s %lld\n", t.name.c_str(), t.rows);
    total += t.rows;
  }
  std::printf("copied %lld rows in %zu tables\n", total, report->tables.size());
  return 0;
}

}  // namespace ordo::app
