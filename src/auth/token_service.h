#pragma once
// Access tokens for REST accesses (API.md section 3.2): signing keys from the store (sealed under
// the master key), issuance after a successful credential check, and the Bearer check on every
// request — a signature check plus a look-up in the live-access table, no database, no hash.
//
// Bearer check: the JWT rules of jwt.h, then the access named by `sub` must exist, be enabled
// and unexpired, and its generation must equal the token's `gen` (a regeneration or deletion
// kills earlier tokens); the caller's scopes are the token's scopes intersected with the
// access's current ones (a narrowed right bites at once, as 403).
//
// Verified signatures are remembered for up to a minute (bounded; tokens up to 1 KiB), so that a
// client sending the same token again skips the JWS work; the live-access checks (generation,
// enabled, expiry, scopes) run on every request all the same, so revocation is not delayed.
//
// Keys stay current on a long-running, multi-node server without a thread of their own: issuing
// a token checks at most once a minute whether the active key is due for rotation, and a token
// with an unknown `kid` (signed by another node's newer key) reloads the keys at most every 5 s.
//
// Thread-safe after LoadOrCreateKeys().

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/jwt.h"
#include "auth/key_ring.h"
#include "auth/live_access_table.h"
#include "auth/master_key.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/principal.h"
#include "store/database.h"

namespace ordo::auth {

struct TokenConfig {
  JwsAlg alg = JwsAlg::kHs256;
  std::chrono::seconds lifetime{900};                 // default token lifetime
  std::chrono::seconds max_lifetime{86400};           // upper bound of `lifetime` (API.md: 24 h)
  std::chrono::seconds rotate_after{30 * 24 * 3600};  // a new signing key after this age
  JwtConfig jwt;
};

struct IssuedToken {
  std::string token;
  long long expires_in = 0;  // seconds
  TimePoint expires_at;
  std::string scope;  // space-separated
};

class TokenService {
 public:
  TokenService(store::Database& db, const Clock& clock, const LiveAccessTable& accesses,
               MasterKey master_key, TokenConfig config);

  // Loads the keys; creates (and activates) a key of the configured algorithm when there is no
  // active one of that algorithm or it is older than rotate_after. Earlier keys keep verifying
  // until the longest token they may have signed has expired.
  [[nodiscard]] Status LoadOrCreateKeys();
  // Re-reads the keys (other nodes' rotations).
  [[nodiscard]] Status ReloadKeys();

  // A token for `access` after its credentials were checked. `requested_lifetime` may shorten
  // the default; `requested_scopes` (OAuth `scope`) must be a subset of the access's scopes
  // (kInvalidArgument "invalid-scope" otherwise). The token never outlives the access's expiry,
  // nor the grace period when the previous secret was used.
  [[nodiscard]] Result<IssuedToken> Issue(
      const LiveAccess& access, std::optional<std::chrono::seconds> requested_lifetime,
      const std::optional<std::set<std::string>>& requested_scopes, bool via_previous_secret);

  // The Bearer check. kUnauthenticated "invalid-token" on any failure (the reason goes to
  // `*reason` for the audit log).
  [[nodiscard]] Result<Principal> VerifyBearer(std::string_view token,
                                               std::string* reason = nullptr);

  // Reads an access the live table does not know yet (created on another node moments ago), so
  // that its first tokens are not refused until the change notification arrives. Optional; set
  // only where other nodes exist (PostgreSQL). Only tokens with a valid signature reach it.
  using MissLoader = std::function<LiveAccessTable::Ptr(const std::string& access_key)>;
  void SetMissLoader(MissLoader loader) { load_missing_ = std::move(loader); }

  // {"keys": [...]} with the public keys of the EdDSA keys (empty for HS256).
  nlohmann::json Jwks() const;

  const TokenConfig& config() const { return config_; }
  const KeyRing& keys() const { return ring_; }

 private:
  store::Database& db_;
  const Clock& clock_;
  const LiveAccessTable& accesses_;
  MissLoader load_missing_;
  const MasterKey master_key_;
  const TokenConfig config_;
  KeyRing ring_;
  JwtCodec codec_;
  // Tokens whose signature and claims were verified, with the time until which that stands and
  // their scopes already split. Shared and immutable, so that a hit (every request of a client
  // that reuses its token) copies one pointer, not the claims.
  struct VerifiedToken {
    TokenClaims claims;
    std::set<std::string> scopes;  // of claims.scope
    TimePoint valid_until;
  };
  using VerifiedPtr = std::shared_ptr<const VerifiedToken>;
  VerifiedPtr CachedClaims(std::string_view token);
  // Remembers the claims of a token just verified (unless it is too large) and returns them.
  VerifiedPtr RememberClaims(std::string_view token, TokenClaims claims);
  // The live-access half of the Bearer check.
  Result<Principal> PrincipalOf(const VerifiedToken& token, std::string* reason) const;
  // Looks tokens up by string_view, without a copy of the token.
  struct TokenHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::mutex verified_mu_;
  std::unordered_map<std::string, VerifiedPtr, TokenHash, std::equal_to<>> verified_;
  std::deque<std::string> verified_order_;  // insertion order, for the bound

  std::mutex maintenance_mu_;  // one rotation or reload at a time
  std::atomic<long long> last_rotation_check_ms_{0};
  std::atomic<long long> last_reload_ms_{0};
};

}  // namespace ordo::auth
