#include "store/test_database.h"

#include <cstdlib>
#include <stdexcept>

#include "core/ids.h"
#include "store/migrations.h"

namespace ordo::store {

TestDatabase::TestDatabase() {
  folder_ = std::filesystem::temp_directory_path() / ("ordo-test-" + RandomAlphanumeric(12));
  std::filesystem::create_directories(folder_);
  const char* pg = std::getenv("ORDO_TEST_POSTGRES_URL");
  const std::string url =
      pg != nullptr && *pg != '\0' ? std::string(pg) : "sqlite:" + (folder_ / "test.db").string();
  auto opened = Database::Open(url, 2);
  if (!opened) throw std::runtime_error(opened.error().detail);
  db_ = std::move(*opened);
  if (db_->dialect() == Dialect::kPostgres) {
    auto dropped = db_->Write<bool>([](soci::session& s) -> Result<bool> {
      s << "DROP SCHEMA public CASCADE";
      s << "CREATE SCHEMA public";
      return true;
    });
    if (!dropped) throw std::runtime_error(dropped.error().detail);
  }
  if (auto st = ApplyMigrations(*db_, AllMigrations()); !st) {
    throw std::runtime_error(st.error().detail);
  }
}

TestDatabase::~TestDatabase() {
  db_.reset();
  std::error_code ec;
  std::filesystem::remove_all(folder_, ec);
}

}  // namespace ordo::store
