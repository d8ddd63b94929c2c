#pragma once
// Ordo's access tokens: a small, strict JWS/JWT implementation on libsodium (no maintained C++
// JWT library is in Debian 12). It follows RFC 7515/7519 and the RFC 8725 best practices:
//
// - compact serialisation only, at most 8 KiB, three base64url parts without padding, decoded
//   strictly (libsodium refuses stray characters and non-zero trailing bits);
// - the header must be a JSON object without duplicate members, with `typ` "at+jwt" and a `kid`
//   naming a key of the ring; the algorithm is the key's own and the header's `alg` must equal it
//   ("none" and everything else refused); `crit` is refused (Ordo understands no extension);
//   `jku`, `jwk`, `x5u`, `x5c` are never looked at, so they cannot bring in a key;
// - the signature is checked before any claim is trusted, in constant time (HMAC-SHA256 via
//   crypto_auth_hmacsha256_verify, Ed25519 via crypto_sign_verify_detached);
// - claims `iss`, `aud`, `sub`, `iat`, `nbf`, `exp`, `jti`, `scope`, `gen` are all required, with
//   the right types; `iss`/`aud` must equal the configured values; `exp` in the past, `nbf`/`iat`
//   in the future (each beyond the allowed clock skew, 60 s) refuse the token.
//
// The generation (`gen`) against the live-access table is the caller's check (api layer), as this
// module knows nothing of accesses.
//
// JwtCodec is thread-safe (it only reads its configuration and the thread-safe KeyRing).

#include <chrono>
#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

#include "auth/key_ring.h"
#include "core/clock.h"
#include "core/error.h"

namespace ordo::auth {

struct TokenClaims {
  std::string iss;
  std::string sub;  // the access key
  std::string aud;
  std::string jti;
  std::string scope;  // space-separated
  long long iat = 0;  // Unix seconds
  long long nbf = 0;
  long long exp = 0;
  long long gen = 0;
};

// Why a token was refused. Every one of them is the same 401 "invalid-token" to the client; the
// reason goes to the audit log and the unit tests.
enum class JwtError {
  kTooLarge,
  kMalformed,        // not three base64url parts
  kBadHeader,        // header not a JSON object, duplicate members, missing/odd typ or kid
  kAlgRejected,      // alg "none", unknown, or not the alg of the named key
  kCritUnsupported,  // a `crit` header
  kUnknownKid,
  kBadSignature,
  kBadClaims,  // payload not a JSON object, duplicate members, a claim missing or mistyped
  kWrongIssuer,
  kWrongAudience,
  kExpired,
  kNotYetValid,     // nbf in the future
  kIssuedInFuture,  // iat in the future
};
std::string_view JwtErrorName(JwtError e);

struct JwtConfig {
  std::string issuer = "ordo";
  std::string audience = "ordo-api";
  std::chrono::seconds clock_skew{60};
  std::size_t max_token_bytes = 8192;
};

class JwtCodec {
 public:
  JwtCodec(const Clock& clock, const KeyRing& keys, JwtConfig config);

  // Signs `claims` with the active key (kid and alg from it). kInternal when the ring is empty.
  [[nodiscard]] Result<std::string> Sign(const TokenClaims& claims) const;
  // Verifies everything listed above except `gen`.
  [[nodiscard]] std::expected<TokenClaims, JwtError> Verify(std::string_view token) const;

  const JwtConfig& config() const { return config_; }

 private:
  const Clock& clock_;
  const KeyRing& keys_;
  const JwtConfig config_;
};

// base64url without padding (RFC 7515 section 2), and its strict inverse.
std::string Base64UrlEncode(std::string_view bytes);
bool Base64UrlDecode(std::string_view text, std::string* out);

}  // namespace ordo::auth
