#include "auth/basic_credentials.h"

#include <sodium.h>

#include <cstring>
#include <optional>

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

// Sixteen bytes from `data` (at most 16 of `size`), the rest filled with 'A' (value zero). The
// lengths are public; the bytes are only copied.
Bytes16 Load16(const char* data, std::size_t size) {
  Bytes16 chars;
  if (size >= 16) {
    std::memcpy(&chars, data, sizeof chars);
  } else {
    std::memset(&chars, 'A', sizeof chars);
    std::memcpy(&chars, data, size);
  }
  return chars;
}

// Standard base64 with padding (RFC 4648 section 4), strict: the length is a multiple of four,
// at most two '=' at the end, and the bits the padding stands for are zero. Every character is
// decoded; validity is accumulated, not checked with an early exit. `out` has room for
// in.size() / 4 * 3 bytes; returns the decoded length, or nullopt.
std::optional<std::size_t> DecodeBase64(std::string_view in, char* out) {
  if (in.empty() || in.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && in[in.size() - 1 - padding] == '=') ++padding;
  const std::size_t digits = in.size() - padding;
  Bytes16 invalid{};
  for (std::size_t at = 0; at < in.size(); at += 16) {
    // The padding and the bytes past the end read as 'A', whose value is zero.
    const Bytes16 v = Base64Values(Load16(in.data() + at, at < digits ? digits - at : 0), invalid);
    // Every four values make three bytes; 16 is a multiple of 4, so groups never straddle.
    for (std::size_t k = 0; k < 16 && at + k < in.size(); k += 4) {
      const unsigned acc = (unsigned{v[k]} << 18) | (unsigned{v[k + 1]} << 12) |
                           (unsigned{v[k + 2]} << 6) | unsigned{v[k + 3]};
      char* o = out + (at + k) / 4 * 3;
      o[0] = static_cast<char>(acc >> 16);
      o[1] = static_cast<char>(acc >> 8);
      o[2] = static_cast<char>(acc);
    }
  }
  unsigned bad = 0;
  for (std::size_t k = 0; k < 16; ++k) bad |= invalid[k];
  // The bytes the padding stands for must be zero (a canonical encoding); then they go.
  const std::size_t size = in.size() / 4 * 3;
  unsigned leftover = 0;
  for (std::size_t k = 0; k < padding; ++k)
    leftover |= static_cast<unsigned char>(out[size - 1 - k]);
  if (bad != 0 || leftover != 0) return std::nullopt;
  return size - padding;
}

// NUL and other control characters (and DEL), sixteen bytes at a time, without an early exit.
bool HasControlCharacter(std::string_view text) {
  Bytes16 found{};
  for (std::size_t at = 0; at < text.size(); at += 16) {
    // Past the end reads as 'A', which is no control character.
    const Bytes16 c = Load16(text.data() + at, text.size() - at);
    found |= static_cast<Bytes16>((c < 0x20) | (c == 0x7F));
  }
  unsigned any = 0;
  for (std::size_t k = 0; k < 16; ++k) any |= found[k];
  return any != 0;
}

}  // namespace

DecodedBasic::~DecodedBasic() { Clear(); }

void DecodedBasic::Clear() {
  if (!decoded_.empty() && decoded_.data() == inline_) sodium_memzero(inline_, decoded_.size());
  Wipe(spill_);
  decoded_ = user_ = secret_ = {};
}

std::expected<void, BasicParseError> DecodedBasic::Parse(std::string_view value) {
  Clear();
  std::size_t space = value.find(' ');
  if (space == std::string_view::npos || !IEquals(value.substr(0, space), "basic")) {
    return std::unexpected(BasicParseError::kNotBasic);
  }
  std::string_view b64 = value.substr(space);
  while (!b64.empty() && b64.front() == ' ') b64.remove_prefix(1);
  while (!b64.empty() && (b64.back() == ' ' || b64.back() == '\t')) b64.remove_suffix(1);
  if (b64.empty()) return std::unexpected(BasicParseError::kBadEncoding);
  char* buffer = inline_;
  if (b64.size() / 4 * 3 > sizeof inline_) {
    spill_.assign(b64.size() / 4 * 3, '\0');
    buffer = spill_.data();
  }
  auto size = DecodeBase64(b64, buffer);
  // Whatever was written is wiped by Clear, on success or not.
  decoded_ = std::string_view(buffer, b64.size() / 4 * 3);
  if (!size) return std::unexpected(BasicParseError::kBadEncoding);
  const std::string_view text(buffer, *size);
  if (HasControlCharacter(text)) return std::unexpected(BasicParseError::kBadEncoding);
  std::size_t colon = text.find(':');  // user ids never contain ':' (RFC 7617 section 2)
  if (colon == std::string_view::npos) return std::unexpected(BasicParseError::kNoColon);
  user_ = text.substr(0, colon);
  secret_ = text.substr(colon + 1);
  return {};
}

std::expected<BasicCredentials, BasicParseError> ParseBasicAuthorization(std::string_view value) {
  DecodedBasic decoded;
  if (auto parsed = decoded.Parse(value); !parsed) return std::unexpected(parsed.error());
  BasicCredentials out;
  out.user = std::string(decoded.user());
  out.secret = SecretString(std::string(decoded.secret()));
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
