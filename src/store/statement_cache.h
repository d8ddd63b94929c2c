#pragma once
// SQLite statements prepared once per connection and run again with new values.
//
// Why: in the engine's group-commit writer, sqlite3_prepare_v2 (parsing and planning the same
// dozen statements again for every call) took 29% of the thread's time, twice what running
// them took (sqlite3_step, 15%; perf with DWARF call graphs under the S7 load).
//
// An entry owns the values its statement is bound to (SOCI binds by reference at prepare time),
// so a run copies the new values in and executes again. After each run the statement is reset,
// so that a SELECT left half-read does not keep its WAL snapshot (which would stop checkpoints
// from recycling the WAL). An entry whose run threw is dropped and prepared afresh next time.
// Bounded: past kMaxEntries distinct texts, further ones run uncached.
//
// SQLite only: a PostgreSQL connection can be re-opened (Database::HealSession), which would
// leave cached statements pointing at the old connection.
//
// Not thread-safe: one per connection, used by whoever holds the connection.

#include <soci/soci.h>

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace ordo::store {

struct PreparedStatement {
  std::vector<std::string> texts;
  std::vector<soci::indicator> text_nulls;
  std::vector<long long> numbers;
  std::vector<soci::indicator> number_nulls;
  soci::row row;  // the current result row of a SELECT
  std::unique_ptr<soci::statement> statement;

  // Back to the start, releasing what a half-read SELECT holds.
  void Reset();
};

class StatementCache {
 public:
  static constexpr std::size_t kMaxEntries = 64;

  // The entry for `sql`, or nullptr.
  PreparedStatement* Find(const std::string& sql);
  bool Full() const { return entries_.size() >= kMaxEntries; }
  // Keeps `p` for `sql` (the caller checked Full()).
  PreparedStatement* Add(const std::string& sql, std::unique_ptr<PreparedStatement> p);
  void Drop(const std::string& sql);

 private:
  std::unordered_map<std::string, std::unique_ptr<PreparedStatement>> entries_;
};

}  // namespace ordo::store
