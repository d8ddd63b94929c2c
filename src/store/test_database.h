#pragma once
// For repository tests: a migrated database in a fresh temporary folder (SQLite), or, when
// ORDO_TEST_POSTGRES_URL is set, that PostgreSQL database emptied first, so that the same
// contract tests run on both back ends.

#include <filesystem>
#include <memory>
#include <string>

#include "store/database.h"

namespace ordo::store {

class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  Database& db() { return *db_; }
  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_;
  std::unique_ptr<Database> db_;
};

}  // namespace ordo::store
