#pragma once
// Reading request JSON and queries with exact 400 errors naming the field ("'name' must be a
// string"), so that every resource rejects bad input the same way.

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "http/message.h"

namespace ordo::api {

// 400 when `body` has a member not in `allowed` (typos must not pass silently).
[[nodiscard]] Status RejectUnknownFields(const nlohmann::json& body,
                                         std::initializer_list<std::string_view> allowed);

[[nodiscard]] Result<std::optional<std::string>> OptionalString(const nlohmann::json& body,
                                                                std::string_view field);
// Missing, null or empty → 400.
[[nodiscard]] Result<std::string> RequiredString(const nlohmann::json& body,
                                                 std::string_view field);
[[nodiscard]] Result<std::optional<bool>> OptionalBool(const nlohmann::json& body,
                                                       std::string_view field);
[[nodiscard]] Result<std::optional<long long>> OptionalInteger(const nlohmann::json& body,
                                                               std::string_view field);
[[nodiscard]] Result<std::optional<std::vector<std::string>>> OptionalStringList(
    const nlohmann::json& body, std::string_view field);

// A page of a list: `limit` (default 50, 1..500) and the opaque `cursor` of API.md section 1.
struct Page {
  int limit = 50;
  std::string after;  // decoded cursor: the sort key of the last item of the previous page
};
[[nodiscard]] Result<Page> ParsePage(const http::Request& request);
// Opaque cursor for a sort key (base64url, so it is safe in a query string).
std::string EncodeCursor(std::string_view key);
// {"items": items, "nextCursor": cursor of `last_key` or null}.
nlohmann::json ListBody(nlohmann::json items, const std::optional<std::string>& last_key);

// The list body for `rows` fetched with LIMIT page.limit + 1: at most `limit` items, and a
// cursor (the sort key `key` of the last item shown) only when the extra row proved there is more.
template <typename Row, typename ToJson, typename Key>
nlohmann::json PagedListBody(const std::vector<Row>& rows, int limit, ToJson to_json, Key key) {
  nlohmann::json items = nlohmann::json::array();
  const std::size_t shown = std::min(rows.size(), static_cast<std::size_t>(limit));
  for (std::size_t i = 0; i < shown; ++i) items.push_back(to_json(rows[i]));
  std::optional<std::string> last;
  if (rows.size() > shown && shown > 0) last = std::invoke(key, rows[shown - 1]);
  return ListBody(std::move(items), last);
}

// Query flag: "true"/"false"; absent → `fallback`; anything else → 400.
[[nodiscard]] Result<bool> QueryBool(const http::Request& request, std::string_view name,
                                     bool fallback);

}  // namespace ordo::api
