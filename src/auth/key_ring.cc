#include "auth/key_ring.h"

#include <sodium.h>

#include <mutex>

#include "auth/password_hash.h"
#include "core/ids.h"

namespace ordo::auth {

std::string_view JwsAlgName(JwsAlg alg) { return alg == JwsAlg::kHs256 ? "HS256" : "EdDSA"; }

std::optional<JwsAlg> ParseJwsAlg(std::string_view name) {
  if (name == "HS256") return JwsAlg::kHs256;
  if (name == "EdDSA") return JwsAlg::kEdDsa;
  return std::nullopt;
}

Result<SigningKey> GenerateSigningKey(JwsAlg alg, TimePoint now) {
  if (auto st = InitSodium(); !st) return Fail(st.error());
  SigningKey key;
  key.kid = RandomAlphanumeric(16);
  key.alg = alg;
  key.created_at = now;
  if (alg == JwsAlg::kHs256) {
    std::string raw(crypto_auth_hmacsha256_KEYBYTES, '\0');
    randombytes_buf(raw.data(), raw.size());
    key.secret = SecretString(std::move(raw));
  } else {
    std::string pk(crypto_sign_PUBLICKEYBYTES, '\0');
    std::string sk(crypto_sign_SECRETKEYBYTES, '\0');
    if (crypto_sign_keypair(reinterpret_cast<unsigned char*>(pk.data()),
                            reinterpret_cast<unsigned char*>(sk.data())) != 0) {
      Wipe(sk);
      return Fail(ErrorCode::kInternal, "key generation failed");
    }
    key.public_key = std::move(pk);
    key.secret = SecretString(std::move(sk));
  }
  return key;
}

Status KeyRing::Set(std::vector<SigningKey> keys, const std::string& active_kid) {
  std::vector<Ptr> ptrs;
  Ptr active;
  for (auto& k : keys) {
    bool ok = k.alg == JwsAlg::kHs256 ? k.secret.value().size() == crypto_auth_hmacsha256_KEYBYTES
                                      : k.secret.value().size() == crypto_sign_SECRETKEYBYTES &&
                                            k.public_key.size() == crypto_sign_PUBLICKEYBYTES;
    if (!ok) return Fail(ErrorCode::kInternal, "signing key has a wrong size");
    auto p = std::make_shared<const SigningKey>(std::move(k));
    if (p->kid == active_kid) active = p;
    ptrs.push_back(std::move(p));
  }
  if (!active) return Fail(ErrorCode::kInternal, "active signing key missing from the ring");
  std::unique_lock lock(mu_);
  keys_ = std::move(ptrs);
  active_ = std::move(active);
  return {};
}

KeyRing::Ptr KeyRing::Active() const {
  std::shared_lock lock(mu_);
  return active_;
}

KeyRing::Ptr KeyRing::FindForVerify(std::string_view kid, TimePoint now) const {
  std::shared_lock lock(mu_);
  for (const auto& k : keys_) {
    if (k->kid == kid) {
      if (k->verify_until && now >= *k->verify_until) return nullptr;
      return k;
    }
  }
  return nullptr;
}

std::vector<KeyRing::Ptr> KeyRing::All() const {
  std::shared_lock lock(mu_);
  return keys_;
}

}  // namespace ordo::auth
