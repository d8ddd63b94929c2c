#include "store/statement_cache.h"

#include <soci/sqlite3/soci-sqlite3.h>

namespace ordo::store {

void PreparedStatement::Reset() {
  // The raw statement: SOCI's own reset() is not exported. Its next execute() resets again.
  if (!statement) return;
  auto* backend = static_cast<soci::sqlite3_statement_backend*>(statement->get_backend());
  if (backend->stmt_ != nullptr) sqlite_api::sqlite3_reset(backend->stmt_);
}

PreparedStatement* StatementCache::Find(const std::string& sql) {
  auto it = entries_.find(sql);
  return it == entries_.end() ? nullptr : it->second.get();
}

PreparedStatement* StatementCache::Add(const std::string& sql,
                                       std::unique_ptr<PreparedStatement> p) {
  return entries_.emplace(sql, std::move(p)).first->second.get();
}

void StatementCache::Drop(const std::string& sql) { entries_.erase(sql); }

}  // namespace ordo::store
