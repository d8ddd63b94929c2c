#pragma once
// The keys that sign and verify Ordo's access tokens. One key is active (signs new tokens); older
// keys stay for verification until the tokens they signed have expired, so that a rotation never
// refuses a valid token. Each key carries its own algorithm: a token is verified with the
// algorithm of the key its `kid` names, never with the one its header claims (no algorithm
// confusion).
//
// The ring is loaded from the store (where keys are kept encrypted, see store/key_repository.h)
// and replaced whole on rotation.
//
// Thread-safe: a shared_mutex; keys are immutable snapshots shared by pointer.

#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "auth/secrets.h"
#include "core/clock.h"
#include "core/error.h"

namespace ordo::auth {

enum class JwsAlg { kHs256, kEdDsa };

// "HS256" / "EdDSA": the JOSE names.
std::string_view JwsAlgName(JwsAlg alg);
// Parses "HS256" or "EdDSA" (exact case); nullopt for anything else, "none" included.
std::optional<JwsAlg> ParseJwsAlg(std::string_view name);

struct SigningKey {
  std::string kid;
  JwsAlg alg = JwsAlg::kHs256;
  // HS256: the 32-byte HMAC key. EdDSA: libsodium's 64-byte Ed25519 secret key (seed || public).
  SecretString secret;
  std::string public_key;  // EdDSA: 32 bytes; HS256: empty
  TimePoint created_at;
  // Set when a newer key took over: the key verifies until then (its last token's expiry) and is
  // dropped after.
  std::optional<TimePoint> verify_until;
};

// A new random key: HS256 with 256 bits from the CSPRNG, or an Ed25519 key pair.
[[nodiscard]] Result<SigningKey> GenerateSigningKey(JwsAlg alg, TimePoint now);

class KeyRing {
 public:
  using Ptr = std::shared_ptr<const SigningKey>;

  // Replaces the keys. `active_kid` must name one of them.
  [[nodiscard]] Status Set(std::vector<SigningKey> keys, const std::string& active_kid);
  // The key that signs; nullptr before Set().
  Ptr Active() const;
  // A key that may verify at `now`: known and not past its verify_until.
  Ptr FindForVerify(std::string_view kid, TimePoint now) const;
  std::vector<Ptr> All() const;

 private:
  mutable std::shared_mutex mu_;
  std::vector<Ptr> keys_;
  Ptr active_;
};

}  // namespace ordo::auth
