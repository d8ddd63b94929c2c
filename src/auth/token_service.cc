#include "auth/token_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "auth/rights.h"
#include "core/ids.h"
#include "store/key_repository.h"

namespace ordo::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

long long Ms(TimePoint t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}
TimePoint FromMs(long long ms) { return TimePoint{milliseconds(ms)}; }

Error InvalidToken() {
  return Error{ErrorCode::kUnauthenticated, "The access token is invalid or expired.",
               "invalid-token", std::nullopt};
}

}  // namespace

TokenService::TokenService(store::Database& db, const Clock& clock, const LiveAccessTable& accesses,
                           MasterKey master_key, TokenConfig config)
    : db_(db),
      clock_(clock),
      accesses_(accesses),
      master_key_(std::move(master_key)),
      config_(std::move(config)),
      codec_(clock, ring_, config_.jwt) {}

Status TokenService::ReloadKeys() {
  const TimePoint now = clock_.Now();
  auto rows = db_.Read<std::vector<store::SigningKeyRow>>(
      [&](soci::session& s) { return store::LoadSigningKeys(s, Ms(now)); });
  if (!rows) return Fail(rows.error());
  std::vector<SigningKey> keys;
  std::string active_kid;
  for (const auto& row : *rows) {
    auto alg = ParseJwsAlg(row.alg);
    if (!alg) continue;
    auto secret = Open(master_key_, row.secret_box);
    if (!secret) return Fail(secret.error());
    SigningKey k;
    k.kid = row.kid;
    k.alg = *alg;
    k.secret = std::move(*secret);
    if (!row.public_key.empty() && !Base64UrlDecode(row.public_key, &k.public_key)) {
      return Fail(ErrorCode::kInternal, "stored public key is malformed");
    }
    k.created_at = FromMs(row.created_at);
    if (row.verify_until) k.verify_until = FromMs(*row.verify_until);
    if (row.active) active_kid = k.kid;
    keys.push_back(std::move(k));
  }
  if (active_kid.empty()) return Fail(ErrorCode::kNotFound, "no active signing key");
  return ring_.Set(std::move(keys), active_kid);
}

Status TokenService::LoadOrCreateKeys() {
  auto loaded = ReloadKeys();
  if (loaded) {
    auto active = ring_.Active();
    if (active->alg == config_.alg && clock_.Now() - active->created_at < config_.rotate_after) {
      return {};
    }
  } else if (loaded.error().code != ErrorCode::kNotFound) {
    return loaded;
  }
  // A new active key; the previous ones verify until their last token expired (+ skew).
  auto key = GenerateSigningKey(config_.alg, clock_.Now());
  if (!key) return Fail(key.error());
  auto sealed = Seal(master_key_, key->secret.view());
  if (!sealed) return Fail(sealed.error());
  store::SigningKeyRow row;
  row.kid = key->kid;
  row.alg = std::string(JwsAlgName(key->alg));
  row.public_key = key->public_key.empty() ? "" : Base64UrlEncode(key->public_key);
  row.secret_box = *sealed;
  row.created_at = Ms(key->created_at);
  const long long retire_at = Ms(clock_.Now() + config_.max_lifetime + config_.jwt.clock_skew);
  auto written = db_.Write<bool>([&](soci::session& s) -> Result<bool> {
    if (auto st = store::InsertSigningKey(s, row); !st) return Fail(st.error());
    if (auto st = store::ActivateSigningKey(s, row.kid, retire_at); !st) return Fail(st.error());
    return true;
  });
  if (!written) return Fail(written.error());
  spdlog::info("event=signing_key_created kid={} alg={}", row.kid, row.alg);
  return ReloadKeys();
}

Result<IssuedToken> TokenService::Issue(
    const LiveAccess& access, std::optional<seconds> requested_lifetime,
    const std::optional<std::set<std::string>>& requested_scopes, bool via_previous_secret) {
  {
    // Rotation when due (rare; the slow part is a single insert).
    const long long now_ms = Ms(clock_.Now());
    long long last = last_rotation_check_ms_.load();
    if (now_ms - last >= 60'000 && last_rotation_check_ms_.compare_exchange_strong(last, now_ms)) {
      std::lock_guard lock(maintenance_mu_);
      if (auto st = LoadOrCreateKeys(); !st) {
        spdlog::warn("event=signing_key_maintenance_failed error=\"{}\"", st.error().detail);
      }
    }
  }
  const TimePoint now = clock_.Now();
  seconds lifetime = std::min(config_.lifetime, config_.max_lifetime);
  if (requested_lifetime) {
    if (requested_lifetime->count() < 1) {
      return Fail(ErrorCode::kInvalidArgument, "'expiresIn' must be a positive number of seconds");
    }
    lifetime = std::min(lifetime, *requested_lifetime);
  }
  TimePoint exp = now + lifetime;
  if (access.expires_at) exp = std::min(exp, *access.expires_at);
  if (via_previous_secret && access.previous_valid_until) {
    exp = std::min(exp, *access.previous_valid_until);
  }
  const long long exp_s = UnixSeconds(exp);
  const long long now_s = UnixSeconds(now);
  if (exp_s <= now_s) {
    // The access expired between the credential check and now: the same denial as any other.
    return Fail(ErrorCode::kUnauthenticated, "The access key or secret key is not valid.",
                "invalid-credentials");
  }
  std::set<std::string> scopes = access.scopes;
  if (requested_scopes) {
    for (const auto& s : *requested_scopes) {
      if (!scopes.contains(s)) {
        return Fail(ErrorCode::kInvalidArgument,
                    "the requested scope is not a subset of the access's scopes", "invalid-scope");
      }
    }
    if (!requested_scopes->empty()) scopes = *requested_scopes;
  }
  TokenClaims c;
  c.iss = config_.jwt.issuer;
  c.aud = config_.jwt.audience;
  c.sub = access.access_key;
  c.jti = NewId();
  c.scope = JoinScopeString(scopes);
  c.iat = now_s;
  c.nbf = now_s;
  c.exp = exp_s;
  c.gen = access.generation;
  auto token = codec_.Sign(c);
  if (!token) return Fail(token.error());
  return IssuedToken{std::move(*token), exp_s - now_s, FromUnixSeconds(exp_s), c.scope};
}

namespace {
constexpr std::size_t kMaxVerifiedTokens = 10'000;
constexpr std::size_t kMaxCachedTokenBytes = 1024;
constexpr seconds kVerifiedTtl{60};
}  // namespace

TokenService::VerifiedPtr TokenService::CachedClaims(std::string_view token) {
  if (token.size() > kMaxCachedTokenBytes) return nullptr;
  const TimePoint now = clock_.Now();
  std::lock_guard lock(verified_mu_);
  auto it = verified_.find(token);
  if (it == verified_.end() || now >= it->second->valid_until) return nullptr;
  return it->second;
}

TokenService::VerifiedPtr TokenService::RememberClaims(std::string_view token, TokenClaims claims) {
  // Never beyond the token's own expiry (with the skew the verifier allows).
  const TimePoint until =
      std::min(clock_.Now() + kVerifiedTtl, FromUnixSeconds(claims.exp) + config_.jwt.clock_skew);
  std::set<std::string> scopes = SplitScopeString(claims.scope);
  auto verified = std::make_shared<const VerifiedToken>(
      VerifiedToken{std::move(claims), std::move(scopes), until});
  if (token.size() > kMaxCachedTokenBytes) return verified;
  std::lock_guard lock(verified_mu_);
  if (verified_.contains(token)) return verified;
  while (verified_.size() >= kMaxVerifiedTokens && !verified_order_.empty()) {
    verified_.erase(verified_order_.front());
    verified_order_.pop_front();
  }
  verified_order_.emplace_back(token);
  verified_.emplace(std::string(token), verified);
  return verified;
}

Result<Principal> TokenService::VerifyBearer(std::string_view token, std::string* reason) {
  if (auto cached = CachedClaims(token)) return PrincipalOf(*cached, reason);
  auto claims = codec_.Verify(token);
  if (!claims && claims.error() == JwtError::kUnknownKid) {
    // Perhaps another node rotated: reload, at most every 5 s (a flood of made-up kids must not
    // become a flood of database reads), and try once more.
    const long long now_ms = Ms(clock_.Now());
    long long last = last_reload_ms_.load();
    if (now_ms - last >= 5'000 && last_reload_ms_.compare_exchange_strong(last, now_ms)) {
      std::lock_guard lock(maintenance_mu_);
      if (ReloadKeys()) claims = codec_.Verify(token);
    }
  }
  if (!claims) {
    if (reason) *reason = std::string(JwtErrorName(claims.error()));
    return Fail(InvalidToken());
  }
  return PrincipalOf(*RememberClaims(token, std::move(*claims)), reason);
}

Result<Principal> TokenService::PrincipalOf(const VerifiedToken& token, std::string* reason) const {
  const TokenClaims& claims = token.claims;
  auto live = accesses_.Find(claims.sub);
  if (!live && load_missing_) live = load_missing_(claims.sub);
  if (!live) {
    if (reason) *reason = "access_gone";
    return Fail(InvalidToken());
  }
  if (!live->UsableAt(clock_.Now())) {
    if (reason) *reason = live->enabled ? "access_expired" : "access_disabled";
    return Fail(InvalidToken());
  }
  if (claims.gen != live->generation) {
    if (reason) *reason = "outdated_generation";
    return Fail(InvalidToken());
  }
  Principal p;
  p.type = Principal::Type::kAccess;
  p.id = live->id;
  p.name = live->access_key;
  p.display_name = live->name;
  p.right = live->right;
  // Both sorted: each kept scope goes in at the end.
  for (const auto& s : token.scopes) {
    if (live->scopes.contains(s)) p.scopes.insert(p.scopes.end(), s);
  }
  return p;
}

nlohmann::json TokenService::Jwks() const {
  nlohmann::json keys = nlohmann::json::array();
  const TimePoint now = clock_.Now();
  for (const auto& k : ring_.All()) {
    if (k->alg != JwsAlg::kEdDsa) continue;
    if (k->verify_until && now >= *k->verify_until) continue;
    keys.push_back({{"kty", "OKP"},
                    {"crv", "Ed25519"},
                    {"x", Base64UrlEncode(k->public_key)},
                    {"kid", k->kid},
                    {"alg", "EdDSA"},
                    {"use", "sig"}});
  }
  return {{"keys", keys}};
}

}  // namespace ordo::auth
