#include "auth/basic_credentials.h"

#include <sodium.h>

#include <cstring>

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

// Sixteen base64 characters to their values (0..63) at once, with lanes that are not base64
// marked in `invalid`. Constant-time: vector compares and masks only, no branch or table
// look-up depends on a character, because the decoded text holds the secret. (libsodium's
// decoder is constant-time too but spent ~100 instructions per character, a scalar
// branch-free version ~40: most of a cached Basic request under callgrind.)
using Bytes16 = unsigned char __attribute__((vector_size(16)));

Bytes16 Base64Values(Bytes16 c, Bytes16& invalid) {
  auto in = [&c](unsigned char lo, unsigned char hi) {
    return static_cast<Bytes16>((c >= lo) & (c <= hi));  // all ones where lo <= c <= hi
  };
  const Bytes16 upper = in('A', 'Z');
  const Bytes16 lower = in('a', 'z');
  const Bytes16 digit = in('0', '9');
  const Bytes16 plus = in('+', '+');
  const Bytes16 slash = in('/', '/');
  invalid |= ~(upper | lower | digit | plus | slash);
  return (upper & (c - 'A')) | (lower & (c - 'a' + 26)) | (digit & (c - '0' + 52)) | (plus & 62) |
         (slash & 63);
}

// Standard base64 with padding (RFC 4648 section 4), strict: the length is a multiple of four,
// at most two '=' at the end, and the bits the padding stands for are zero. Every character is
// decoded; validity is accumulated, not checked with an early exit.
bool DecodeBase64(std::string_view in, std::string& out) {
  if (in.empty() || in.size() % 4 != 0) return false;
  std::size_t padding = 0;
  while (padding < 2 && in[in.size() - 1 - padding] == '=') ++padding;
  const std::size_t digits = in.size() - padding;
  out.resize(in.size() / 4 * 3);
  Bytes16 invalid{};
  for (std::size_t at = 0; at < in.size(); at += 16) {
    // The padding and the bytes past the end read as 'A', whose value is zero.
    Bytes16 chars;
    if (at + 16 <= digits) {
      std::memcpy(&chars, in.data() + at, sizeof chars);
    } else {
      for (std::size_t k = 0; k < 16; ++k) {
        chars[k] = at + k < digits ? static_cast<unsigned char>(in[at + k]) : 'A';
      }
    }
    const Bytes16 v = Base64Values(chars, invalid);
    // Every four values make three bytes; 16 is a multiple of 4, so groups never straddle.
    for (std::size_t k = 0; k < 16 && at + k < in.size(); k += 4) {
      const unsigned acc = (unsigned{v[k]} << 18) | (unsigned{v[k + 1]} << 12) |
                           (unsigned{v[k + 2]} << 6) | unsigned{v[k + 3]};
      const std::size_t o = (at + k) / 4 * 3;
      out[o] = static_cast<char>(acc >> 16);
      out[o + 1] = static_cast<char>(acc >> 8);
      out[o + 2] = static_cast<char>(acc);
    }
  }
  unsigned bad = 0;
  for (std::size_t k = 0; k < 16; ++k) bad |= invalid[k];
  // The bytes the padding stands for must be zero (a canonical encoding); then they go.
  unsigned leftover = 0;
  for (std::size_t k = 0; k < padding; ++k) {
    leftover |= static_cast<unsigned char>(out[out.size() - 1 - k]);
  }
  out.resize(out.size() - padding);
  return bad == 0 && leftover == 0;
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
