#pragma once
// REST access identifiers (API.md section 2):
//   access key  "ordo_ak_" + 20 characters of [A-Za-z0-9]                          (public)
//   secret key  "ordo_sk_" + 43 characters of [A-Za-z0-9] (~256 bits from libsodium's CSPRNG)
//               + 6 characters of [A-Za-z0-9]: the CRC-32 of the random part in base 62.
// The fixed prefixes and the checksum let secret scanners recognise a leaked secret and let Ordo
// refuse a malformed or mistyped one without a database look-up or a hash. The checksum is not a
// security feature: anyone can compute it; only the argon2id hash proves the secret.
//
// Free functions, thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace ordo::auth {

inline constexpr std::string_view kAccessKeyPrefix = "ordo_ak_";
inline constexpr std::string_view kSecretKeyPrefix = "ordo_sk_";
inline constexpr std::size_t kAccessKeyRandomLength = 20;
inline constexpr std::size_t kSecretRandomLength = 43;   // 43 * log2(62) = 256.0 bits
inline constexpr std::size_t kSecretChecksumLength = 6;  // 62^6 > 2^32
inline constexpr std::size_t kAccessKeyLength = kAccessKeyPrefix.size() + kAccessKeyRandomLength;
inline constexpr std::size_t kSecretKeyLength =
    kSecretKeyPrefix.size() + kSecretRandomLength + kSecretChecksumLength;

// A new access key from the CSPRNG.
std::string NewAccessKey();
// A new secret key from the CSPRNG, with its checksum.
std::string NewSecretKey();

// Prefix, length and alphabet of an access key.
bool IsWellFormedAccessKey(std::string_view key);
// Prefix, length, alphabet and checksum of a secret key. Runs in time independent of where a
// mismatch is (it only ever sees the candidate, never a stored secret, but costs nothing).
bool IsWellFormedSecretKey(std::string_view secret);

// The last 4 characters, shown in lists so that a person can tell secrets apart.
std::string SecretHint(std::string_view secret);

// CRC-32 (IEEE 802.3, the zlib/PNG one) of `data`.
std::uint32_t Crc32(std::string_view data);
// `value` as exactly `width` base-62 digits (most significant first, alphabet [0-9A-Za-z]).
std::string Base62Fixed(std::uint64_t value, std::size_t width);

// Overwrites the bytes of `s` with zeros (sodium_memzero) and clears it. For buffers that held a
// secret, a password or a token.
void Wipe(std::string& s);

// Owns a string that held a secret and wipes it when destroyed. Not thread-safe (a value type).
class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string value) : value_(std::move(value)) {}
  SecretString(const SecretString& other) : value_(other.value_) {}
  SecretString& operator=(const SecretString& other) {
    if (this != &other) {
      Wipe(value_);
      value_ = other.value_;
    }
    return *this;
  }
  SecretString(SecretString&& other) noexcept : value_(std::move(other.value_)) {
    Wipe(other.value_);
  }
  SecretString& operator=(SecretString&& other) noexcept {
    if (this != &other) {
      Wipe(value_);
      value_ = std::move(other.value_);
      Wipe(other.value_);
    }
    return *this;
  }
  ~SecretString() { Wipe(value_); }

  const std::string& value() const { return value_; }
  std::string_view view() const { return value_; }
  bool empty() const { return value_.empty(); }

 private:
  std::string value_;
};

}  // namespace ordo::auth
