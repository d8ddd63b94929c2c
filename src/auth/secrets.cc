#include "auth/secrets.h"

#include <sodium.h>

#include <array>

#include "core/ids.h"

namespace ordo::auth {
namespace {

constexpr std::string_view kBase62Digits =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

constexpr std::array<std::uint32_t, 256> MakeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}
constexpr auto kCrcTable = MakeCrcTable();

bool IsAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool AllAlnum(std::string_view s) {
  bool ok = true;
  for (char c : s) ok &= IsAlnum(c);
  return ok;
}

std::string ChecksumOf(std::string_view random_part) {
  return Base62Fixed(Crc32(random_part), kSecretChecksumLength);
}

}  // namespace

std::uint32_t Crc32(std::string_view data) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = kCrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string Base62Fixed(std::uint64_t value, std::size_t width) {
  std::string out(width, '0');
  for (std::size_t i = width; i-- > 0;) {
    out[i] = kBase62Digits[value % 62];
    value /= 62;
  }
  return out;
}

std::string NewAccessKey() {
  return std::string(kAccessKeyPrefix) + RandomAlphanumeric(kAccessKeyRandomLength);
}

std::string NewSecretKey() {
  std::string random = RandomAlphanumeric(kSecretRandomLength);
  std::string out = std::string(kSecretKeyPrefix) + random + ChecksumOf(random);
  Wipe(random);
  return out;
}

bool IsWellFormedAccessKey(std::string_view key) {
  return key.size() == kAccessKeyLength && key.starts_with(kAccessKeyPrefix) &&
         AllAlnum(key.substr(kAccessKeyPrefix.size()));
}

bool IsWellFormedSecretKey(std::string_view secret) {
  if (secret.size() != kSecretKeyLength || !secret.starts_with(kSecretKeyPrefix)) return false;
  std::string_view body = secret.substr(kSecretKeyPrefix.size());
  if (!AllAlnum(body)) return false;
  std::string expected = ChecksumOf(body.substr(0, kSecretRandomLength));
  return sodium_memcmp(expected.data(), body.data() + kSecretRandomLength, kSecretChecksumLength) ==
         0;
}

std::string SecretHint(std::string_view secret) {
  if (secret.size() < 4) return std::string();
  return std::string(secret.substr(secret.size() - 4));
}

void Wipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

}  // namespace ordo::auth
