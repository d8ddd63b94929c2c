#include "auth/jwt.h"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <variant>

namespace ordo::auth {
namespace {

using nlohmann::json;

// The top level of a JSON object, flattened: strings and integers by name; anything else
// (null, bool, float, arrays, objects) only as "present". That is all a JOSE header or Ordo's
// claims need, and a SAX pass builds it without a DOM (the largest cost of a Bearer check).
struct FlatObject {
  std::map<std::string, std::variant<std::monostate, std::string, long long>, std::less<>> members;

  bool contains(std::string_view name) const { return members.find(name) != members.end(); }
};

// Refuses duplicate top-level members (RFC 7515 section 4: a JWS with duplicate header names
// must be rejected, or one parser's view differs from another's) and a top level that is not an
// object.
class FlatObjectSax final : public nlohmann::json_sax<json> {
 public:
  explicit FlatObjectSax(FlatObject* out) : out_(out) {}

  bool null() override { return Scalar(std::monostate{}); }
  bool boolean(bool) override { return Scalar(std::monostate{}); }
  bool number_integer(number_integer_t v) override { return Scalar(static_cast<long long>(v)); }
  bool number_unsigned(number_unsigned_t v) override {
    if (v > static_cast<number_unsigned_t>(std::numeric_limits<long long>::max())) {
      return Scalar(std::monostate{});
    }
    return Scalar(static_cast<long long>(v));
  }
  bool number_float(number_float_t, const string_t&) override { return Scalar(std::monostate{}); }
  bool string(string_t& v) override { return Scalar(std::move(v)); }
  bool binary(binary_t&) override { return Scalar(std::monostate{}); }
  bool start_object(std::size_t) override {
    if (depth_ == 0 && seen_top_) return false;
    if (depth_ == 0) seen_top_ = true;
    if (depth_ == 1 && !Scalar(std::monostate{})) return false;
    ++depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ != 1) return true;
    if (out_->members.contains(k)) return false;  // duplicate member
    key_ = std::move(k);
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ == 0) return false;  // the top level must be an object
    if (depth_ == 1 && !Scalar(std::monostate{})) return false;
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  template <typename V>
  bool Scalar(V&& v) {
    if (depth_ == 0) return false;  // a bare scalar is not an object
    if (depth_ == 1) out_->members.emplace(std::move(key_), std::forward<V>(v));
    return true;
  }

  FlatObject* out_;
  int depth_ = 0;
  bool seen_top_ = false;
  std::string key_;
};

bool ParseObjectNoDuplicates(const std::string& text, FlatObject* out) {
  FlatObjectSax sax(out);
  return json::sax_parse(text, &sax, json::input_format_t::json, /*strict=*/true);
}

bool GetString(const FlatObject& j, const char* name, std::string* out) {
  auto it = j.members.find(std::string_view(name));
  if (it == j.members.end() || !std::holds_alternative<std::string>(it->second)) return false;
  *out = std::get<std::string>(it->second);
  return true;
}

// NumericDate: an integer number of seconds (Ordo issues integers; fractions are refused).
bool GetInteger(const FlatObject& j, const char* name, long long* out) {
  auto it = j.members.find(std::string_view(name));
  if (it == j.members.end() || !std::holds_alternative<long long>(it->second)) return false;
  *out = std::get<long long>(it->second);
  return true;
}

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string_view JwtErrorName(JwtError e) {
  switch (e) {
    case JwtError::kTooLarge:
      return "too_large";
    case JwtError::kMalformed:
      return "malformed";
    case JwtError::kBadHeader:
      return "bad_header";
    case JwtError::kAlgRejected:
      return "alg_rejected";
    case JwtError::kCritUnsupported:
      return "crit_unsupported";
    case JwtError::kUnknownKid:
      return "unknown_kid";
    case JwtError::kBadSignature:
      return "bad_signature";
    case JwtError::kBadClaims:
      return "bad_claims";
    case JwtError::kWrongIssuer:
      return "wrong_issuer";
    case JwtError::kWrongAudience:
      return "wrong_audience";
    case JwtError::kExpired:
      return "expired";
    case JwtError::kNotYetValid:
      return "not_yet_valid";
    case JwtError::kIssuedInFuture:
      return "issued_in_future";
  }
  return "unknown";
}

std::string Base64UrlEncode(std::string_view bytes) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), U(bytes), bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

namespace {

// -1 for every byte outside the base64url alphabet.
constexpr std::array<std::int16_t, 256> MakeBase64UrlTable() {
  std::array<std::int16_t, 256> t{};
  for (auto& v : t) v = -1;
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int16_t>(i);
  }
  return t;
}
constexpr auto kBase64Url = MakeBase64UrlTable();

}  // namespace

// Table-driven rather than libsodium's constant-time decoder: token parts are not secret (the
// MAC comparison is what must be constant-time), and this is a fifth of a Bearer check's cost.
// Exactly as strict: no padding, no other characters, unused trailing bits must be zero (so no
// two strings decode to the same bytes).
bool Base64UrlDecode(std::string_view text, std::string* out) {
  if (text.size() % 4 == 1) return false;
  std::string bin;
  bin.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : text) {
    const int v = kBase64Url[c];
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bin.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return false;
  *out = std::move(bin);
  return true;
}

JwtCodec::JwtCodec(const Clock& clock, const KeyRing& keys, JwtConfig config)
    : clock_(clock), keys_(keys), config_(std::move(config)) {}

Result<std::string> JwtCodec::Sign(const TokenClaims& c) const {
  auto key = keys_.Active();
  if (!key) return Fail(ErrorCode::kInternal, "no signing key");
  json header = {{"alg", JwsAlgName(key->alg)}, {"typ", "at+jwt"}, {"kid", key->kid}};
  json payload = {{"iss", c.iss}, {"sub", c.sub},     {"aud", c.aud},
                  {"iat", c.iat}, {"nbf", c.nbf},     {"exp", c.exp},
                  {"jti", c.jti}, {"scope", c.scope}, {"gen", c.gen}};
  std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
  std::string sig;
  if (key->alg == JwsAlg::kHs256) {
    sig.resize(crypto_auth_hmacsha256_BYTES);
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, U(key->secret.view()), key->secret.view().size());
    crypto_auth_hmacsha256_update(&st, U(input), input.size());
    crypto_auth_hmacsha256_final(&st, reinterpret_cast<unsigned char*>(sig.data()));
    sodium_memzero(&st, sizeof(st));
  } else {
    sig.resize(crypto_sign_BYTES);
    crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr, U(input),
                         input.size(), U(key->secret.view()));
  }
  return input + "." + Base64UrlEncode(sig);
}

std::expected<TokenClaims, JwtError> JwtCodec::Verify(std::string_view token) const {
  using E = JwtError;
  if (token.size() > config_.max_token_bytes) return std::unexpected(E::kTooLarge);
  std::size_t dot1 = token.find('.');
  std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return std::unexpected(E::kMalformed);
  }
  std::string_view h64 = token.substr(0, dot1);
  std::string_view p64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view s64 = token.substr(dot2 + 1);
  std::string header_text, payload_text, sig;
  if (h64.empty() || p64.empty() || s64.empty() || !Base64UrlDecode(h64, &header_text) ||
      !Base64UrlDecode(p64, &payload_text) || !Base64UrlDecode(s64, &sig)) {
    return std::unexpected(E::kMalformed);
  }

  // Header: only what decides which key and algorithm to use.
  FlatObject header;
  if (!ParseObjectNoDuplicates(header_text, &header)) return std::unexpected(E::kBadHeader);
  std::string alg_name, typ, kid;
  if (!GetString(header, "alg", &alg_name)) return std::unexpected(E::kAlgRejected);
  auto alg = ParseJwsAlg(alg_name);
  if (!alg) return std::unexpected(E::kAlgRejected);
  if (header.contains("crit")) return std::unexpected(E::kCritUnsupported);
  if (!GetString(header, "typ", &typ) || (typ != "at+jwt" && typ != "application/at+jwt")) {
    return std::unexpected(E::kBadHeader);
  }
  if (!GetString(header, "kid", &kid) || kid.empty()) return std::unexpected(E::kBadHeader);
  TimePoint now = clock_.Now();
  auto key = keys_.FindForVerify(kid, now);
  if (!key) return std::unexpected(E::kUnknownKid);
  if (key->alg != *alg) return std::unexpected(E::kAlgRejected);

  // Signature over the ASCII of "header.payload", as sent.
  std::string_view input = token.substr(0, dot2);
  bool valid = false;
  if (key->alg == JwsAlg::kHs256) {
    if (sig.size() == crypto_auth_hmacsha256_BYTES) {
      // crypto_auth_hmacsha256_verify compares in constant time.
      unsigned char mac[crypto_auth_hmacsha256_BYTES];
      crypto_auth_hmacsha256_state st;
      crypto_auth_hmacsha256_init(&st, U(key->secret.view()), key->secret.view().size());
      crypto_auth_hmacsha256_update(&st, U(input), input.size());
      crypto_auth_hmacsha256_final(&st, mac);
      valid = crypto_verify_32(mac, U(sig)) == 0;
      sodium_memzero(&st, sizeof(st));
      sodium_memzero(mac, sizeof(mac));
    }
  } else if (sig.size() == crypto_sign_BYTES) {
    valid = crypto_sign_verify_detached(U(sig), U(input), input.size(), U(key->public_key)) == 0;
  }
  if (!valid) return std::unexpected(E::kBadSignature);

  // Claims: only now, behind a valid signature.
  FlatObject payload;
  if (!ParseObjectNoDuplicates(payload_text, &payload)) return std::unexpected(E::kBadClaims);
  TokenClaims c;
  if (!GetString(payload, "iss", &c.iss) || !GetString(payload, "sub", &c.sub) ||
      !GetString(payload, "aud", &c.aud) || !GetString(payload, "jti", &c.jti) ||
      !GetString(payload, "scope", &c.scope) || !GetInteger(payload, "iat", &c.iat) ||
      !GetInteger(payload, "nbf", &c.nbf) || !GetInteger(payload, "exp", &c.exp) ||
      !GetInteger(payload, "gen", &c.gen) || c.sub.empty()) {
    return std::unexpected(E::kBadClaims);
  }
  if (c.iss != config_.issuer) return std::unexpected(E::kWrongIssuer);
  if (c.aud != config_.audience) return std::unexpected(E::kWrongAudience);
  const long long t = UnixSeconds(now);
  const long long skew = config_.clock_skew.count();
  if (t >= c.exp + skew) return std::unexpected(E::kExpired);
  if (c.nbf > t + skew) return std::unexpected(E::kNotYetValid);
  if (c.iat > t + skew) return std::unexpected(E::kIssuedInFuture);
  return c;
}

}  // namespace ordo::auth
