#pragma once
// Small helpers the auth repositories (access_, audit_, session_, key_repository) share for
// reading SOCI rows portably: SQLite and PostgreSQL report integer columns as int, long long or
// even double depending on the declared type and the expression, and NULL must be checked
// before reading. Header-only, stateless, thread-safe.

#include <soci/soci.h>

#include <optional>
#include <string>

namespace ordo::store::sqlutil {

inline std::optional<long long> OptInt64(const soci::row& r, const std::string& col) {
  if (r.get_indicator(col) == soci::i_null) return std::nullopt;
  switch (r.get_properties(col).get_data_type()) {
    case soci::dt_integer:
      return r.get<int>(col);
    case soci::dt_long_long:
      return r.get<long long>(col);
    case soci::dt_unsigned_long_long:
      return static_cast<long long>(r.get<unsigned long long>(col));
    case soci::dt_double:
      return static_cast<long long>(r.get<double>(col));
    case soci::dt_string:
      return std::stoll(r.get<std::string>(col));
    default:
      return std::nullopt;
  }
}

inline long long Int64(const soci::row& r, const std::string& col, long long fallback = 0) {
  return OptInt64(r, col).value_or(fallback);
}

inline std::string Str(const soci::row& r, const std::string& col) {
  if (r.get_indicator(col) == soci::i_null) return std::string();
  return r.get<std::string>(col);
}

// True for the unique-constraint errors of both databases.
inline bool IsUniqueViolation(const soci::soci_error& e) {
  const std::string what = e.what();
  return what.find("UNIQUE constraint failed") != std::string::npos ||
         what.find("duplicate key value") != std::string::npos;
}

}  // namespace ordo::store::sqlutil
