#include "auth/jwt.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

namespace ordo::auth {
namespace {

using nlohmann::json;
using std::chrono::seconds;

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

class JwtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    auto hs = GenerateSigningKey(JwsAlg::kHs256, clock.Now());
    ASSERT_TRUE(hs.has_value());
    hs_kid = hs->kid;
    hs_secret = hs->secret.value();
    auto ed = GenerateSigningKey(JwsAlg::kEdDsa, clock.Now());
    ASSERT_TRUE(ed.has_value());
    ed_kid = ed->kid;
    ed_secret = ed->secret.value();
    std::vector<SigningKey> keys;
    keys.push_back(std::move(*hs));
    keys.push_back(std::move(*ed));
    ASSERT_TRUE(ring.Set(std::move(keys), hs_kid));
  }

  TokenClaims Claims() const {
    long long now = UnixSeconds(clock.Now());
    return TokenClaims{"ordo",
                       "ordo_ak_ABCDEFGHIJKLMNOPQRST",
                       "ordo-api",
                       "jti-1",
                       "processes:read",
                       now,
                       now,
                       now + 900,
                       3};
  }

  json ClaimsJson() const {
    auto c = Claims();
    return {{"iss", c.iss}, {"sub", c.sub}, {"aud", c.aud},     {"iat", c.iat}, {"nbf", c.nbf},
            {"exp", c.exp}, {"jti", c.jti}, {"scope", c.scope}, {"gen", c.gen}};
  }

  json Header(std::string alg = "HS256") const {
    return {{"alg", alg}, {"typ", "at+jwt"}, {"kid", alg == "EdDSA" ? ed_kid : hs_kid}};
  }

  // Builds a token from raw header and payload text, signed with the HS256 key (or `hmac_key`).
  std::string Hs(const std::string& header, const std::string& payload,
                 std::string hmac_key = "") const {
    if (hmac_key.empty()) hmac_key = hs_secret;
    std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, U(hmac_key), hmac_key.size());
    crypto_auth_hmacsha256_update(&st, U(input), input.size());
    crypto_auth_hmacsha256_final(&st, mac);
    return input + "." + Base64UrlEncode(std::string_view(reinterpret_cast<char*>(mac), 32));
  }
  std::string Hs(const json& header, const json& payload) const {
    return Hs(header.dump(), payload.dump());
  }

  std::string Ed(const json& header, const json& payload) const {
    std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, U(input), input.size(), U(ed_secret));
    return input + "." + Base64UrlEncode(std::string_view(reinterpret_cast<char*>(sig), 64));
  }

  JwtError Refusal(const std::string& token) const {
    auto r = codec.Verify(token);
    EXPECT_FALSE(r.has_value());
    return r.has_value() ? JwtError::kMalformed : r.error();
  }

  FakeClock clock;
  KeyRing ring;
  JwtCodec codec{clock, ring, JwtConfig{}};
  std::string hs_kid, hs_secret, ed_kid, ed_secret;
};

TEST_F(JwtTest, RoundTripHs256) {
  auto token = codec.Sign(Claims());
  ASSERT_TRUE(token.has_value());
  auto c = codec.Verify(*token);
  ASSERT_TRUE(c.has_value()) << JwtErrorName(c.error());
  EXPECT_EQ(c->sub, "ordo_ak_ABCDEFGHIJKLMNOPQRST");
  EXPECT_EQ(c->gen, 3);
  EXPECT_EQ(c->scope, "processes:read");
  std::string header_text;
  ASSERT_TRUE(Base64UrlDecode(token->substr(0, token->find('.')), &header_text));
  EXPECT_EQ(json::parse(header_text), (json{{"alg", "HS256"}, {"typ", "at+jwt"}, {"kid", hs_kid}}));
}

TEST_F(JwtTest, RoundTripEdDsa) {
  std::vector<SigningKey> keys;
  auto ed = GenerateSigningKey(JwsAlg::kEdDsa, clock.Now());
  ASSERT_TRUE(ed.has_value());
  std::string kid = ed->kid;
  keys.push_back(std::move(*ed));
  KeyRing ed_ring;
  ASSERT_TRUE(ed_ring.Set(std::move(keys), kid));
  JwtCodec ed_codec(clock, ed_ring, JwtConfig{});
  auto token = ed_codec.Sign(Claims());
  ASSERT_TRUE(token.has_value());
  EXPECT_TRUE(ed_codec.Verify(*token).has_value());
}

TEST_F(JwtTest, HandBuiltValidTokenAccepted) {
  // The helpers below build valid tokens; each failure test changes exactly one thing.
  EXPECT_TRUE(codec.Verify(Hs(Header(), ClaimsJson())).has_value());
  EXPECT_TRUE(codec.Verify(Ed(Header("EdDSA"), ClaimsJson())).has_value());
}

TEST_F(JwtTest, AlgNoneRefused) {
  json h = Header();
  h["alg"] = "none";
  std::string token = Base64UrlEncode(h.dump()) + "." + Base64UrlEncode(ClaimsJson().dump()) + ".";
  EXPECT_EQ(Refusal(token), JwtError::kMalformed);  // empty signature part
  EXPECT_EQ(Refusal(Hs(h, ClaimsJson())), JwtError::kAlgRejected);
}

TEST_F(JwtTest, AlgNoneUppercaseRefused) {
  json h = Header();
  h["alg"] = "None";
  EXPECT_EQ(Refusal(Hs(h, ClaimsJson())), JwtError::kAlgRejected);
}

TEST_F(JwtTest, OtherAlgRefused) {
  json h = Header();
  h["alg"] = "HS512";
  EXPECT_EQ(Refusal(Hs(h, ClaimsJson())), JwtError::kAlgRejected);
}

TEST_F(JwtTest, AlgMissingRefused) {
  json h = Header();
  h.erase("alg");
  EXPECT_EQ(Refusal(Hs(h, ClaimsJson())), JwtError::kAlgRejected);
}

TEST_F(JwtTest, AlgConfusionRefused) {
  // An EdDSA key named by kid, but the header claims HS256 and the token is HMAC'd with the
  // public key (the classic RS256→HS256 confusion).
  json h = Header();
  h["kid"] = ed_kid;
  std::string public_key = ed_secret.substr(32);
  EXPECT_EQ(Refusal(Hs(h.dump(), ClaimsJson().dump(), public_key)), JwtError::kAlgRejected);
}

TEST_F(JwtTest, StrippedSignatureRefused) {
  std::string token = *codec.Sign(Claims());
  EXPECT_EQ(Refusal(token.substr(0, token.rfind('.') + 1)), JwtError::kMalformed);
  EXPECT_EQ(Refusal(token.substr(0, token.rfind('.'))), JwtError::kMalformed);
}

TEST_F(JwtTest, AlteredSignatureRefused) {
  std::string token = *codec.Sign(Claims());
  token[token.size() - 2] = token[token.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Refusal(token), JwtError::kBadSignature);
}

TEST_F(JwtTest, TruncatedSignatureRefused) {
  std::string token = *codec.Sign(Claims());
  // 40 characters decode cleanly to 30 bytes: a well-formed but short signature.
  EXPECT_EQ(Refusal(token.substr(0, token.size() - 3)), JwtError::kBadSignature);
}

TEST_F(JwtTest, AlteredClaimsRefused) {
  std::string token = *codec.Sign(Claims());
  json claims = ClaimsJson();
  claims["scope"] = "processes:read admin";
  std::size_t d1 = token.find('.'), d2 = token.rfind('.');
  std::string forged = token.substr(0, d1 + 1) + Base64UrlEncode(claims.dump()) + token.substr(d2);
  EXPECT_EQ(Refusal(forged), JwtError::kBadSignature);
}

TEST_F(JwtTest, WrongKeyRefused) {
  EXPECT_EQ(Refusal(Hs(Header().dump(), ClaimsJson().dump(), std::string(32, 'k'))),
            JwtError::kBadSignature);
}

TEST_F(JwtTest, UnknownKidRefused) {
  json h = Header();
  h["kid"] = "nope";
  EXPECT_EQ(Refusal(Hs(h, ClaimsJson())), JwtError::kUnknownKid);
}

TEST_F(JwtTest, MissingKidRefused) {
  json h = Header();
  h.erase("kid");
  EXPECT_EQ(Refusal(Hs(h, ClaimsJson())), JwtError::kBadHeader);
}

TEST_F(JwtTest, WrongTypRefused) {
  json h = Header();
  h["typ"] = "JWT";
  EXPECT_EQ(Refusal(Hs(h, ClaimsJson())), JwtError::kBadHeader);
  h.erase("typ");
  EXPECT_EQ(Refusal(Hs(h, ClaimsJson())), JwtError::kBadHeader);
}

TEST_F(JwtTest, CritRefused) {
  json h = Header();
  h["crit"] = json::array({"exp"});
  EXPECT_EQ(Refusal(Hs(h, ClaimsJson())), JwtError::kCritUnsupported);
}

TEST_F(JwtTest, EmbeddedJwkIgnored) {
  // An attacker's own key in `jwk` (and a `jku` URL) must not be used: signed with the
  // attacker's key, the token fails against Ordo's key.
  std::string attacker(32, 'a');
  json h = Header();
  h["jwk"] = {{"kty", "oct"}, {"k", Base64UrlEncode(attacker)}};
  h["jku"] = "https://evil.example/jwks.json";
  EXPECT_EQ(Refusal(Hs(h.dump(), ClaimsJson().dump(), attacker)), JwtError::kBadSignature);
  // The same headers on a token signed with Ordo's key change nothing.
  EXPECT_TRUE(codec.Verify(Hs(h, ClaimsJson())).has_value());
}

TEST_F(JwtTest, DuplicateHeaderMembersRefused) {
  std::string header = R"({"alg":"HS256","typ":"at+jwt","kid":")" + hs_kid + R"(","alg":"none"})";
  EXPECT_EQ(Refusal(Hs(header, ClaimsJson().dump())), JwtError::kBadHeader);
}

TEST_F(JwtTest, HeaderWithTrailingTextOrScalarRefused) {
  EXPECT_EQ(Refusal(Hs(Header().dump() + " {}", ClaimsJson().dump())), JwtError::kBadHeader);
  EXPECT_EQ(Refusal(Hs("\"HS256\"", ClaimsJson().dump())), JwtError::kBadHeader);
  EXPECT_EQ(Refusal(Hs("{\"alg\":\"HS256\"", ClaimsJson().dump())), JwtError::kBadHeader);
}

TEST_F(JwtTest, NestedMembersDoNotCountAsDuplicates) {
  json h = Header();
  h["jwk"] = {{"kid", "x"}, {"alg", "none"}};  // same names one level down: ignored, not mixed up
  EXPECT_TRUE(codec.Verify(Hs(h, ClaimsJson())).has_value());
}

TEST_F(JwtTest, DuplicateClaimRefused) {
  std::string payload = ClaimsJson().dump();
  payload.insert(1, R"("sub":"ordo_ak_OTHEROTHEROTHEROTHER",)");
  EXPECT_EQ(Refusal(Hs(Header().dump(), payload)), JwtError::kBadClaims);
}

TEST_F(JwtTest, HeaderNotJsonRefused) {
  EXPECT_EQ(Refusal(Hs("not json", ClaimsJson().dump())), JwtError::kBadHeader);
  EXPECT_EQ(Refusal(Hs("[1,2]", ClaimsJson().dump())), JwtError::kBadHeader);
}

TEST_F(JwtTest, PayloadNotJsonRefused) {
  EXPECT_EQ(Refusal(Hs(Header().dump(), "nope")), JwtError::kBadClaims);
}

TEST_F(JwtTest, OversizedRefused) {
  json claims = ClaimsJson();
  claims["pad"] = std::string(9000, 'x');
  EXPECT_EQ(Refusal(Hs(Header(), claims)), JwtError::kTooLarge);
}

TEST_F(JwtTest, FourPartsRefused) {
  EXPECT_EQ(Refusal(*codec.Sign(Claims()) + ".x"), JwtError::kMalformed);
}

TEST_F(JwtTest, PaddingAndStandardBase64Refused) {
  std::string token = *codec.Sign(Claims());
  EXPECT_EQ(Refusal(token + "="), JwtError::kMalformed);
  std::string plus = token;
  plus[plus.size() - 3] = '+';
  EXPECT_EQ(Refusal(plus), JwtError::kMalformed);
}

TEST_F(JwtTest, NonCanonicalTrailingBitsRefused) {
  // A 32-byte signature is 43 characters; the last carries 2 unused bits that must be zero.
  // Setting one gives a different string that decodes to the same bytes: it must be refused.
  std::string token = *codec.Sign(Claims());
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::size_t v = alphabet.find(token.back());
  ASSERT_EQ(v % 4, 0u);
  token.back() = alphabet[v + 1];
  EXPECT_EQ(Refusal(token), JwtError::kMalformed);
}

TEST_F(JwtTest, WrongIssuerRefused) {
  json c = ClaimsJson();
  c["iss"] = "someone-else";
  EXPECT_EQ(Refusal(Hs(Header(), c)), JwtError::kWrongIssuer);
}

TEST_F(JwtTest, WrongAudienceRefused) {
  json c = ClaimsJson();
  c["aud"] = "other-api";
  EXPECT_EQ(Refusal(Hs(Header(), c)), JwtError::kWrongAudience);
}

TEST_F(JwtTest, MissingClaimRefused) {
  for (const char* name : {"iss", "sub", "aud", "iat", "nbf", "exp", "jti", "scope", "gen"}) {
    json c = ClaimsJson();
    c.erase(name);
    EXPECT_EQ(Refusal(Hs(Header(), c)), JwtError::kBadClaims) << name;
  }
}

TEST_F(JwtTest, MistypedClaimRefused) {
  json c = ClaimsJson();
  c["exp"] = std::to_string(c["exp"].get<long long>());
  EXPECT_EQ(Refusal(Hs(Header(), c)), JwtError::kBadClaims);
  c = ClaimsJson();
  c["gen"] = 3.5;
  EXPECT_EQ(Refusal(Hs(Header(), c)), JwtError::kBadClaims);
}

TEST_F(JwtTest, ExpiredBeyondSkewRefused) {
  auto token = *codec.Sign(Claims());
  clock.Advance(seconds(900 + 59));
  EXPECT_TRUE(codec.Verify(token).has_value());  // inside the 60 s skew
  clock.Advance(seconds(1));
  EXPECT_EQ(Refusal(token), JwtError::kExpired);
}

TEST_F(JwtTest, FutureNbfRefused) {
  json c = ClaimsJson();
  c["nbf"] = c["nbf"].get<long long>() + 61;
  EXPECT_EQ(Refusal(Hs(Header(), c)), JwtError::kNotYetValid);
  c["nbf"] = c["nbf"].get<long long>() - 1;  // exactly the skew: accepted
  EXPECT_TRUE(codec.Verify(Hs(Header(), c)).has_value());
}

TEST_F(JwtTest, FutureIatRefused) {
  json c = ClaimsJson();
  c["iat"] = c["iat"].get<long long>() + 61;
  EXPECT_EQ(Refusal(Hs(Header(), c)), JwtError::kIssuedInFuture);
}

TEST_F(JwtTest, RotationKeepsOldTokensUntilRetired) {
  auto old_token = *codec.Sign(Claims());
  auto next = GenerateSigningKey(JwsAlg::kHs256, clock.Now());
  ASSERT_TRUE(next.has_value());
  std::string next_kid = next->kid;
  std::vector<SigningKey> keys;
  SigningKey old;
  old.kid = hs_kid;
  old.secret = SecretString(hs_secret);
  old.verify_until = clock.Now() + seconds(900 + 60);
  keys.push_back(std::move(old));
  keys.push_back(std::move(*next));
  ASSERT_TRUE(ring.Set(std::move(keys), next_kid));
  auto new_token = *codec.Sign(Claims());
  EXPECT_NE(new_token.find('.'), std::string::npos);
  EXPECT_TRUE(codec.Verify(old_token).has_value());
  EXPECT_TRUE(codec.Verify(new_token).has_value());
  clock.Advance(seconds(900 + 60));
  EXPECT_EQ(Refusal(old_token), JwtError::kUnknownKid);  // retired key gone
}

TEST_F(JwtTest, SignWithoutKeysFails) {
  KeyRing empty;
  JwtCodec c(clock, empty, JwtConfig{});
  auto r = c.Sign(Claims());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInternal);
}

TEST_F(JwtTest, KeyRingRefusesMissingActiveKid) {
  KeyRing r;
  auto k = GenerateSigningKey(JwsAlg::kHs256, clock.Now());
  std::vector<SigningKey> keys;
  keys.push_back(std::move(*k));
  EXPECT_FALSE(r.Set(std::move(keys), "absent").has_value());
}

TEST_F(JwtTest, Base64UrlRoundTrip) {
  std::string out;
  for (const std::string& s :
       std::vector<std::string>{"", "f", "fo", "foo", "foob", std::string("\xff\xfe\x00", 3)}) {
    ASSERT_TRUE(Base64UrlDecode(Base64UrlEncode(s), &out));
    EXPECT_EQ(out, s);
  }
  EXPECT_FALSE(Base64UrlDecode("Zm9v=", &out));
  EXPECT_FALSE(Base64UrlDecode("Z", &out));     // 6 bits cannot be a byte
  EXPECT_FALSE(Base64UrlDecode("Zm9=", &out));  // padding
  EXPECT_FALSE(Base64UrlDecode("Zm+v", &out));  // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Zh", &out));    // "f" is "Zg": non-zero trailing bits
  EXPECT_TRUE(Base64UrlDecode("Zg", &out));
  EXPECT_EQ(out, "f");
  // Same answers as libsodium's strict decoder on every 2- and 3-character input.
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/.";
  for (char a : alphabet) {
    for (char b : alphabet) {
      for (std::string text : {std::string{a, b}, std::string{a, b, 'A'}, std::string{a, 'Q', b}}) {
        unsigned char bin[8];
        std::size_t len = 0;
        const char* end = nullptr;
        bool sodium_ok =
            sodium_base642bin(bin, sizeof(bin), text.data(), text.size(), nullptr, &len, &end,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
            end == text.data() + text.size();
        std::string mine;
        bool ok = Base64UrlDecode(text, &mine);
        ASSERT_EQ(ok, sodium_ok) << text;
        if (ok) {
          EXPECT_EQ(mine, std::string(reinterpret_cast<char*>(bin), len)) << text;
        }
      }
    }
  }
  EXPECT_FALSE(Base64UrlDecode("Zm 9v", &out));
}

}  // namespace
}  // namespace ordo::auth
