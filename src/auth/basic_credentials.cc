#include "auth/basic_credentials.h"

#include <sodium.h>

namespace ordo::auth {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::expected<BasicCredentials, BasicParseError> ParseBasicAuthorization(std::string_view value) {
  std::size_t space = value.find(' ');
  if (space == std::string_view::npos || !IEquals(value.substr(0, space), "basic")) {
    return std::unexpected(BasicParseError::kNotBasic);
  }
  std::string_view b64 = value.substr(space);
  while (!b64.empty() && b64.front() == ' ') b64.remove_prefix(1);
  while (!b64.empty() && (b64.back() == ' ' || b64.back() == '\t')) b64.remove_suffix(1);
  if (b64.empty()) return std::unexpected(BasicParseError::kBadEncoding);
  std::string decoded(b64.size() * 3 / 4 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                        b64.data(), b64.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != b64.data() + b64.size()) {
    Wipe(decoded);
    return std::unexpected(BasicParseError::kBadEncoding);
  }
  decoded.resize(len);
  SecretString holder(std::move(decoded));  // wiped on every return path
  const std::string& text = holder.value();
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return std::unexpected(BasicParseError::kBadEncoding);
  }
  std::size_t colon = text.find(':');  // user ids never contain ':' (RFC 7617 section 2)
  if (colon == std::string::npos) return std::unexpected(BasicParseError::kNoColon);
  BasicCredentials out;
  out.user = text.substr(0, colon);
  out.secret = SecretString(text.substr(colon + 1));
  return out;
}

std::string FormatBasicAuthorization(std::string_view user, std::string_view secret) {
  std::string plain;
  plain.reserve(user.size() + 1 + secret.size());
  plain.append(user).append(":").append(secret);
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(plain.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(plain.data()),
                    plain.size(), variant);
  out.pop_back();
  Wipe(plain);
  return "Basic " + out;
}

}  // namespace ordo::auth
