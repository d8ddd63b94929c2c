#include "engine/time_ordered_id.h"

#include <chrono>
#include <string_view>

#include "core/ids.h"

namespace ordo::engine {
namespace {

// Digits, then upper case, then lower case: the ASCII order, so that text comparison (SQLite's
// BINARY collation) orders ids by time.
constexpr std::string_view kSortableDigits =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::size_t kTimeChars = 8;
constexpr std::size_t kRandomChars = 14;

}  // namespace

std::string TimeOrderedId() {
  auto ms = static_cast<unsigned long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
  std::string id(kTimeChars, '0');
  for (std::size_t i = kTimeChars; i-- > 0;) {
    id[i] = kSortableDigits[ms % kSortableDigits.size()];
    ms /= kSortableDigits.size();
  }
  return id + RandomAlphanumeric(kRandomChars);
}

}  // namespace ordo::engine
