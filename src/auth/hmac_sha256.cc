#include "auth/hmac_sha256.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <cstdlib>

namespace ordo::auth {
namespace {

[[noreturn]] void Unusable() {
  // Only a broken OpenSSL installation gets here; no request can be checked without it.
  std::abort();
}

// Lives until the end of the delegating constructor's full expression, then wipes itself.
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

}  // namespace

HmacSha256::HmacSha256(std::span<const unsigned char> key) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) Unusable();
  keyed_ = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);  // the context keeps its own reference
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  if (keyed_ == nullptr || EVP_MAC_init(keyed_, key.data(), key.size(), params) != 1) Unusable();
}

HmacSha256::HmacSha256() : HmacSha256(RandomKey().key) {}

HmacSha256::~HmacSha256() {
  for (evp_mac_ctx_st* ctx : idle_) EVP_MAC_CTX_free(ctx);
  EVP_MAC_CTX_free(keyed_);
}

evp_mac_ctx_st* HmacSha256::Take() const {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      evp_mac_ctx_st* ctx = idle_.back();
      idle_.pop_back();
      return ctx;
    }
  }
  evp_mac_ctx_st* ctx = EVP_MAC_CTX_dup(keyed_);
  if (ctx == nullptr) Unusable();
  return ctx;
}

void HmacSha256::Give(evp_mac_ctx_st* ctx) const {
  std::lock_guard lock(mu_);
  idle_.push_back(ctx);
}

HmacSha256::Digest HmacSha256::Mac(std::initializer_list<std::string_view> parts) const {
  evp_mac_ctx_st* ctx = Take();
  // A null key restarts the MAC with the key the context already holds.
  bool ok = EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1;
  for (std::string_view part : parts) {
    ok = ok &&
         EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(part.data()), part.size()) == 1;
  }
  Digest out{};
  std::size_t length = 0;
  ok = ok && EVP_MAC_final(ctx, out.data(), &length, out.size()) == 1 && length == out.size();
  Give(ctx);
  if (!ok) Unusable();
  return out;
}

}  // namespace ordo::auth
