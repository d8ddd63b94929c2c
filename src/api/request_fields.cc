#include "api/request_fields.h"

#include <sodium.h>

#include <charconv>

namespace ordo::api {
namespace {

std::unexpected<Error> BadField(std::string_view field, std::string_view what) {
  return Fail(ErrorCode::kInvalidArgument, "'" + std::string(field) + "' " + std::string(what));
}

}  // namespace

Status RejectUnknownFields(const nlohmann::json& body,
                           std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || a == key;
    if (!known) return Fail(ErrorCode::kInvalidArgument, "unknown field '" + key + "'");
  }
  return {};
}

Result<std::optional<std::string>> OptionalString(const nlohmann::json& body,
                                                  std::string_view field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return BadField(field, "must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::string> RequiredString(const nlohmann::json& body, std::string_view field) {
  auto value = OptionalString(body, field);
  if (!value) return Fail(value.error());
  if (!*value || (*value)->empty()) return BadField(field, "is required");
  return std::move(**value);
}

Result<std::optional<bool>> OptionalBool(const nlohmann::json& body, std::string_view field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) return BadField(field, "must be true or false");
  return std::optional<bool>(it->get<bool>());
}

Result<std::optional<long long>> OptionalInteger(const nlohmann::json& body,
                                                 std::string_view field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<long long>();
  if (!it->is_number_integer()) return BadField(field, "must be an integer");
  return std::optional<long long>(it->get<long long>());
}

Result<std::optional<std::vector<std::string>>> OptionalStringList(const nlohmann::json& body,
                                                                   std::string_view field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<std::vector<std::string>>();
  if (!it->is_array()) return BadField(field, "must be an array of strings");
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string()) return BadField(field, "must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<Page> ParsePage(const http::Request& request) {
  Page page;
  if (auto limit = request.Query("limit")) {
    int value = 0;
    const auto [ptr, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (ec != std::errc() || ptr != limit->data() + limit->size() || value < 1 || value > 500) {
      return Fail(ErrorCode::kInvalidArgument, "'limit' must be an integer from 1 to 500");
    }
    page.limit = value;
  }
  if (auto cursor = request.Query("cursor"); cursor && !cursor->empty()) {
    std::string decoded(cursor->size(), '\0');
    std::size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                          cursor->data(), cursor->size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
      return Fail(ErrorCode::kInvalidArgument, "'cursor' is not a cursor this server issued");
    }
    decoded.resize(len);
    page.after = std::move(decoded);
  }
  return page;
}

std::string EncodeCursor(std::string_view key) {
  std::string out(sodium_base64_encoded_len(key.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(key.data()),
                    key.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

nlohmann::json ListBody(nlohmann::json items, const std::optional<std::string>& last_key) {
  return {{"items", std::move(items)},
          {"nextCursor", last_key ? nlohmann::json(EncodeCursor(*last_key)) : nlohmann::json()}};
}

Result<bool> QueryBool(const http::Request& request, std::string_view name, bool fallback) {
  const auto value = request.Query(name);
  if (!value) return fallback;
  if (*value == "true") return true;
  if (*value == "false") return false;
  return Fail(ErrorCode::kInvalidArgument, "'" + std::string(name) + "' must be true or false");
}

}  // namespace ordo::api
