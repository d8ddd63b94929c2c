#pragma once
// HMAC-SHA256 under one fixed key, for the credential cache's fingerprints:
// computed on every Basic request, so it must be cheap. OpenSSL's SHA-256 uses
// the CPU's SHA extensions where present (libsodium's is portable C: 4x slower
// here), and the SHA-256 states after the key's inner and outer pads are
// computed once and copied per call, so the pads are never hashed again
// (measured: 1.13 us with libsodium's one-shot HMAC, 0.20 us this way, 0.29 us
// through EVP_MAC contexts, on the benchmark machine). The low-level SHA256_*
// functions rather than EVP: EVP_MAC_fetch initialises OpenSSL's provider and
// its algorithm tables, which cost ~2 MiB of resident memory in every server
// (docs/architecture.md, "Memory").
// Thread-safe: the keyed states are immutable after construction.

#include <openssl/sha.h>

#include <array>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string_view>

namespace ordo::auth {

class HmacSha256 {
 public:
  using Digest = std::array<unsigned char, 32>;

  explicit HmacSha256(std::span<const unsigned char> key);
  // Under a random 32-byte key that exists nowhere else (wiped once the MAC is
  // keyed).
  HmacSha256();
  ~HmacSha256();  // wipes the keyed states
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  // The MAC of the concatenation of `parts`.
  Digest Mac(std::initializer_list<std::string_view> parts) const;

 private:
  SHA256_CTX inner_;  // SHA-256 after (key XOR ipad)
  SHA256_CTX outer_;  // SHA-256 after (key XOR opad)
};

}  // namespace ordo::auth
