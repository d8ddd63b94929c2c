// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but
// kept and supported; see the header for why they are used here.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "auth/hmac_sha256.h"

#include <sodium.h>

#include <cstdlib>

namespace ordo::auth {
namespace {

constexpr std::size_t kBlock = 64;  // SHA-256's block size

[[noreturn]] void Unusable() {
  // Only a broken OpenSSL or libsodium installation gets here; no request can
  // be checked.
  std::abort();
}

// Lives until the end of the delegating constructor's full expression, then
// wipes itself.
struct RandomKey {
  RandomKey() {
    if (sodium_init() < 0) Unusable();
    randombytes_buf(key.data(), key.size());
  }
  ~RandomKey() { sodium_memzero(key.data(), key.size()); }
  RandomKey(const RandomKey&) = delete;
  RandomKey& operator=(const RandomKey&) = delete;
  std::array<unsigned char, 32> key{};
};

// The SHA-256 state after one block of (key XOR pad), RFC 2104.
void KeyedState(SHA256_CTX& ctx, std::span<const unsigned char> block_key, unsigned char pad) {
  std::array<unsigned char, kBlock> padded;
  padded.fill(pad);
  for (std::size_t i = 0; i < block_key.size(); ++i) padded[i] ^= block_key[i];
  if (SHA256_Init(&ctx) != 1 || SHA256_Update(&ctx, padded.data(), padded.size()) != 1) {
    Unusable();
  }
  sodium_memzero(padded.data(), padded.size());
}

}  // namespace

HmacSha256::HmacSha256(std::span<const unsigned char> key) {
  // RFC 2104: a key longer than a block is hashed first.
  std::array<unsigned char, SHA256_DIGEST_LENGTH> hashed;
  if (key.size() > kBlock) {
    SHA256(key.data(), key.size(), hashed.data());
    key = hashed;
  }
  KeyedState(inner_, key, 0x36);
  KeyedState(outer_, key, 0x5c);
  sodium_memzero(hashed.data(), hashed.size());
}

HmacSha256::HmacSha256() : HmacSha256(RandomKey().key) {}

HmacSha256::~HmacSha256() {
  sodium_memzero(&inner_, sizeof inner_);
  sodium_memzero(&outer_, sizeof outer_);
}

HmacSha256::Digest HmacSha256::Mac(std::initializer_list<std::string_view> parts) const {
  SHA256_CTX ctx = inner_;
  Digest inner_hash{};
  bool ok = true;
  for (std::string_view part : parts) ok = ok && SHA256_Update(&ctx, part.data(), part.size()) == 1;
  ok = ok && SHA256_Final(inner_hash.data(), &ctx) == 1;
  ctx = outer_;
  Digest out{};
  ok = ok && SHA256_Update(&ctx, inner_hash.data(), inner_hash.size()) == 1 &&
       SHA256_Final(out.data(), &ctx) == 1;
  sodium_memzero(&ctx, sizeof ctx);
  if (!ok) Unusable();
  return out;
}

}  // namespace ordo::auth
