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

// The value (0..63) of one base64 character, or -1. Constant-time: no branch or table look-up
// depends on the character, because the decoded text holds the secret. (libsodium's decoder is
// constant-time too, but spent ~100 instructions per character: a third of a cached Basic
// request under callgrind.)
int Base64Value(unsigned char ch) {
  const int c = ch;
  // (lo - 1 - c) & (c - hi - 1) is negative exactly when lo <= c <= hi; >> 8 makes it a mask.
  auto in = [c](int lo, int hi) { return ((lo - 1 - c) & (c - hi - 1)) >> 8; };
  int v = 0;
  v |= in('A', 'Z') & (c - 'A' + 1);
  v |= in('a', 'z') & (c - 'a' + 27);
  v |= in('0', '9') & (c - '0' + 53);
  v |= in('+', '+') & 63;
  v |= in('/', '/') & 64;
  return v - 1;
}

// Standard base64 with padding (RFC 4648 section 4), strict: the length is a multiple of four,
// at most two '=' at the end, and the bits the padding stands for are zero. Every character is
// decoded; validity is accumulated, not checked with an early exit.
bool DecodeBase64(std::string_view in, std::string& out) {
  if (in.empty() || in.size() % 4 != 0) return false;
  std::size_t padding = 0;
  while (padding < 2 && in[in.size() - 1 - padding] == '=') ++padding;
  const std::size_t groups = in.size() / 4;
  out.resize(groups * 3);
  int bad = 0;
  for (std::size_t g = 0; g < groups; ++g) {
    unsigned acc = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const std::size_t i = g * 4 + k;
      // The padding reads as zero bits here.
      const int v = i < in.size() - padding ? Base64Value(static_cast<unsigned char>(in[i])) : 0;
      bad |= v;  // negative when invalid
      acc = (acc << 6) | (static_cast<unsigned>(v) & 0x3f);
    }
    out[g * 3] = static_cast<char>(acc >> 16);
    out[g * 3 + 1] = static_cast<char>(acc >> 8);
    out[g * 3 + 2] = static_cast<char>(acc);
  }
  // The bytes the padding stands for must be zero (a canonical encoding); then they go.
  int leftover = 0;
  for (std::size_t k = 0; k < padding; ++k) leftover |= out[out.size() - 1 - k];
  out.resize(out.size() - padding);
  return bad >= 0 && leftover == 0;
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
  std::string decoded;
  if (!DecodeBase64(b64, decoded)) {
    Wipe(decoded);
    return std::unexpected(BasicParseError::kBadEncoding);
  }
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
