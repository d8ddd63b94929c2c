// /api/auth/*: exchanging credentials (API.md sections 3 and 5).
//   POST /api/auth/jwt    access key + secret (Basic or JSON) → a Bearer token
//   POST /api/auth/token  the same as OAuth 2.0 client credentials (RFC 6749 section 4.4)
//   POST /api/auth/login  username + password → session cookie + CSRF token
//   POST /api/auth/logout ends the session
//   GET  /.well-known/jwks.json  public keys (EdDSA) for other services
// These routes are public in the route table (they are how one authenticates) and check the
// credentials themselves, through the same pipeline and throttles as the Authenticator.
#include <strings.h>

#include <memory>

#include "api/auth_middleware.h"
#include "api/auth_routes.h"
#include "api/errors.h"
#include "api/request_fields.h"
#include "auth/basic_credentials.h"
#include "auth/rights.h"

namespace ordo::api {
namespace {

using nlohmann::json;
using Done = std::function<void(Result<http::Response>)>;

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

json TokenJson(const auth::IssuedToken& t) {
  return {{"token", t.token},
          {"tokenType", "Bearer"},
          {"expiresIn", t.expires_in},
          {"expiresAt", FormatRfc3339(t.expires_at)}};
}

void AuditToken(AuthModule& m, const http::Request& r, const std::string& key,
                const auth::IssuedToken& t, std::string_view via) {
  auth::AuditActor actor{"access", key, r.client_address, r.request_id};
  json detail = {{"via", via}, {"expiresIn", t.expires_in}, {"scope", t.scope}};
  m.audit.Record(m.audit.Make(actor, "token.issued", "success", key, detail.dump()));
}

// RFC 6749 section 5.2 error body.
http::Response OAuthError(ErrorCode code, std::string error, std::string description,
                          bool basic_challenge) {
  http::Response r = JsonResponse(
      StatusFor(code), {{"error", std::move(error)}, {"error_description", std::move(description)}},
      /*no_store=*/true);
  if (basic_challenge) r.Add("WWW-Authenticate", "Basic realm=\"ordo\", charset=\"UTF-8\"");
  return r;
}

bool IsForm(const http::Request& r) {
  auto ct = r.Header("content-type");
  return ct && StartsWithIgnoreCase(*ct, "application/x-www-form-urlencoded");
}

json UserJson(const store::UserRecord& u) {
  return {{"type", "user"},      {"username", u.username}, {"displayName", u.display_name},
          {"email", u.email},    {"groups", u.groups},     {"admin", u.admin},
          {"enabled", u.enabled}};
}

std::string SessionCookie(const AuthModule& m, const std::string& value, long long max_age) {
  std::string c = std::string(kSessionCookie) + "=" + value +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (m.options.secure_cookies) c += "; Secure";
  return c;
}

void JwtHandler(AuthModule& m, const http::RequestPtr& request, Done done) {
  const http::Request& r = *request;
  std::string key;
  auth::SecretString secret;
  std::optional<long long> expires_in;
  json body = json::object();
  if (!r.body.empty()) {
    auto parsed = ParseJsonBody(r);
    if (!parsed) return done(Fail(parsed.error()));
    if (auto st = RejectUnknownFields(*parsed, {"accessKey", "secretKey", "expiresIn"}); !st) {
      return done(Fail(st.error()));
    }
    body = std::move(*parsed);
    auto e = OptionalInteger(body, "expiresIn");
    if (!e) return done(Fail(e.error()));
    expires_in = *e;
    if (expires_in && *expires_in < 1) {
      return done(Fail(ErrorCode::kInvalidArgument, "'expiresIn' must be a positive integer"));
    }
  }
  auto authz = r.Header("authorization");
  if (authz && StartsWithIgnoreCase(*authz, "basic ")) {
    auto creds = auth::ParseBasicAuthorization(*authz);
    if (!creds) return done(Fail(auth::InvalidCredentialsError()));
    key = std::move(creds->user);
    secret = std::move(creds->secret);
  } else if (body.contains("accessKey") || body.contains("secretKey")) {
    auto k = RequiredString(body, "accessKey");
    auto s = RequiredString(body, "secretKey");
    if (!k || !s) return done(Fail(auth::InvalidCredentialsError()));
    key = std::move(*k);
    secret = auth::SecretString(std::move(*s));
    if (body.contains("secretKey")) body["secretKey"] = "";  // drop the parsed copy early
  } else {
    return done(Fail(Error{ErrorCode::kUnauthenticated,
                           "Give the access key and secret key by HTTP Basic or in the body.",
                           {},
                           std::nullopt}));
  }
  CheckAccessCredentials(
      m, request, key, std::move(secret),
      [&m, request, key, expires_in, done = std::move(done)](Result<auth::VerifiedAccess> v) {
        if (!v) return done(Fail(v.error()));
        std::optional<std::chrono::seconds> lifetime;
        if (expires_in) lifetime = std::chrono::seconds(*expires_in);
        auto t = m.tokens.Issue(*v->access, lifetime, std::nullopt, v->previous_secret);
        if (!t) return done(Fail(t.error()));
        AuditToken(m, *request, key, *t, "jwt");
        done(JsonResponse(200, TokenJson(*t), /*no_store=*/true));
      });
}

void OAuthTokenHandler(AuthModule& m, const http::RequestPtr& request, Done done) {
  const http::Request& r = *request;
  if (!IsForm(r)) {
    return done(OAuthError(ErrorCode::kInvalidArgument, "invalid_request",
                           "the body must be application/x-www-form-urlencoded", false));
  }
  std::map<std::string, std::string> form;
  for (auto& [k, v] : http::ParseQuery(r.body)) {
    if (form.contains(k)) {
      return done(OAuthError(ErrorCode::kInvalidArgument, "invalid_request",
                             "parameter '" + k + "' is repeated", false));
    }
    form.emplace(std::move(k), std::move(v));
  }
  auto wipe_form = [&form] {
    if (auto it = form.find("client_secret"); it != form.end()) auth::Wipe(it->second);
  };
  auto grant = form.find("grant_type");
  if (grant == form.end()) {
    wipe_form();
    return done(OAuthError(ErrorCode::kInvalidArgument, "invalid_request", "grant_type is required",
                           false));
  }
  if (grant->second != "client_credentials") {
    wipe_form();
    return done(OAuthError(ErrorCode::kInvalidArgument, "unsupported_grant_type",
                           "only client_credentials is supported", false));
  }
  std::optional<std::set<std::string>> scopes;
  if (auto it = form.find("scope"); it != form.end()) {
    scopes = auth::SplitScopeString(it->second);
    for (const auto& s : *scopes) {
      if (!auth::IsKnownScope(s)) {
        wipe_form();
        return done(OAuthError(ErrorCode::kInvalidArgument, "invalid_scope",
                               "unknown scope '" + s + "'", false));
      }
    }
  }
  std::string key;
  auth::SecretString secret;
  bool via_basic = false;
  auto authz = r.Header("authorization");
  const bool body_creds = form.contains("client_id") || form.contains("client_secret");
  if (authz && StartsWithIgnoreCase(*authz, "basic ")) {
    if (body_creds) {
      wipe_form();  // RFC 6749 section 2.3: one client authentication method per request
      return done(OAuthError(ErrorCode::kInvalidArgument, "invalid_request",
                             "authenticate by Basic or by client_id/client_secret, not both",
                             false));
    }
    auto creds = auth::ParseBasicAuthorization(*authz);
    if (!creds) {
      return done(OAuthError(ErrorCode::kUnauthenticated, "invalid_client",
                             "client authentication failed", true));
    }
    // RFC 6749 section 2.3.1: the id and secret are form-encoded before Basic.
    key = http::PercentDecode(creds->user, true);
    secret = auth::SecretString(http::PercentDecode(creds->secret.view(), true));
    via_basic = true;
  } else if (body_creds) {
    key = form["client_id"];
    secret = auth::SecretString(form["client_secret"]);
    wipe_form();
  } else {
    return done(OAuthError(ErrorCode::kUnauthenticated, "invalid_client",
                           "client authentication required", true));
  }
  CheckAccessCredentials(
      m, request, key, std::move(secret),
      [&m, request, key, scopes, via_basic,
       done = std::move(done)](Result<auth::VerifiedAccess> v) {
        if (!v) {
          const Error& e = v.error();
          if (e.code == ErrorCode::kUnauthenticated) {
            return done(OAuthError(ErrorCode::kUnauthenticated, "invalid_client",
                                   "client authentication failed", via_basic));
          }
          return done(Fail(e));  // 429 / 503 as problem+json with Retry-After
        }
        auto t = m.tokens.Issue(*v->access, std::nullopt, scopes, v->previous_secret);
        if (!t) {
          if (t.error().problem == "invalid-scope") {
            return done(OAuthError(ErrorCode::kInvalidArgument, "invalid_scope",
                                   "the scope exceeds what the client may have", false));
          }
          return done(Fail(t.error()));
        }
        AuditToken(m, *request, key, *t, "oauth");
        done(JsonResponse(200,
                          {{"access_token", t->token},
                           {"token_type", "Bearer"},
                           {"expires_in", t->expires_in},
                           {"scope", t->scope}},
                          /*no_store=*/true));
      });
}

void LoginHandler(AuthModule& m, const http::RequestPtr& request, Done done) {
  const http::Request& r = *request;
  auto body = ParseJsonBody(r);
  if (!body) return done(Fail(body.error()));
  if (auto st = RejectUnknownFields(*body, {"username", "password"}); !st) {
    return done(Fail(st.error()));
  }
  auto user = RequiredString(*body, "username");
  if (!user) return done(Fail(user.error()));
  auto pw = RequiredString(*body, "password");
  if (!pw) return done(Fail(pw.error()));
  (*body)["password"] = "";
  if (user->size() > 256 || pw->size() > 1024) {
    return done(Fail(Error{ErrorCode::kUnauthenticated, "The username or password is not valid.",
                           "invalid-credentials", std::nullopt}));
  }
  std::string username = *user;
  m.sessions.Login(
      username, auth::SecretString(std::move(*pw)), r.client_address,
      [&m, request, username, done = std::move(done)](Result<auth::LoginSuccess> result,
                                                      auth::LoginOutcome outcome) {
        const http::Request& req = *request;
        auth::AuditActor actor{"user", username, req.client_address, req.request_id};
        if (!result) {
          m.Count("login", outcome == auth::LoginOutcome::kThrottled    ? "throttled"
                           : outcome == auth::LoginOutcome::kOverloaded ? "overloaded"
                                                                        : "denied");
          const char* out = outcome == auth::LoginOutcome::kThrottled    ? "throttled"
                            : outcome == auth::LoginOutcome::kOverloaded ? "overloaded"
                                                                         : "failure";
          json detail = {{"reason", auth::LoginOutcomeName(outcome)}};
          m.audit.Record(m.audit.Make(actor, "login.failed", out, username, detail.dump()));
          return done(Fail(result.error()));
        }
        m.Count("login", "ok");
        m.audit.Record(m.audit.Make(actor, "login.succeeded", "success", username));
        (void)m.sessions.Sweep();
        json out = {{"csrfToken", result->csrf_token}, {"user", UserJson(result->user)}};
        http::Response resp = JsonResponse(200, out, /*no_store=*/true);
        resp.Add("Set-Cookie",
                 SessionCookie(m, result->session_token, m.options.sessions.absolute.count()));
        auth::Wipe(result->session_token);
        done(std::move(resp));
      });
}

}  // namespace

void RegisterAuthRoutes(RouteTable& table, AuthModule& m) {
  table.Add(Route{
      .method = "POST",
      .path = "/api/auth/jwt",
      .scope = std::nullopt,
      .async_handler = [&m](const Call&, http::RequestPtr request,
                            Done done) { JwtHandler(m, request, std::move(done)); },
      .summary = "Exchange an access key and secret key for a Bearer token (JWT)",
  });
  table.Add(Route{
      .method = "POST",
      .path = "/api/auth/token",
      .scope = std::nullopt,
      .async_handler = [&m](const Call&, http::RequestPtr request,
                            Done done) { OAuthTokenHandler(m, request, std::move(done)); },
      .summary = "OAuth 2.0 client credentials grant: a Bearer token for an access",
  });
  table.Add(Route{
      .method = "POST",
      .path = "/api/auth/login",
      .scope = std::nullopt,
      .async_handler = [&m](const Call&, http::RequestPtr request,
                            Done done) { LoginHandler(m, request, std::move(done)); },
      .summary = "Log a person into the web interface: session cookie and CSRF token",
  });
  table.Add(Route{
      .method = "POST",
      .path = "/api/auth/logout",
      .scope = std::nullopt,
      .handler = [&m](const Call& call) -> Result<http::Response> {
        const http::Request& r = call.request;
        std::string cookie = CookieValue(r, kSessionCookie);
        if (!cookie.empty()) {
          if (auto s = m.sessions.Resolve(cookie)) {
            // A cross-site page must not end someone's session: the CSRF token is required.
            if (auto st = m.sessions.CheckCsrf(s->session, r.Header("x-csrf-token").value_or(""));
                !st) {
              return Fail(st.error());
            }
            if (auto st = m.sessions.Logout(cookie); !st) return Fail(st.error());
            auth::AuditActor actor{"user", s->principal.name, r.client_address, r.request_id};
            m.audit.Record(m.audit.Make(actor, "logout", "success", s->principal.name));
          }
        }
        http::Response resp = NoContent();
        resp.Add("Set-Cookie", SessionCookie(m, "", 0));
        resp.Add("Cache-Control", "no-store");
        return resp;
      },
      .summary = "End the web session",
  });
  table.Add(Route{
      .method = "GET",
      .path = "/.well-known/jwks.json",
      .scope = std::nullopt,
      .handler = [&m](const Call&) -> Result<http::Response> {
        http::Response r = JsonResponse(200, m.tokens.Jwks());
        // Short: a rotation's new key must reach other services' caches quickly.
        r.Set("Cache-Control", "public, max-age=60");
        return r;
      },
      .summary = "Public keys of the EdDSA token signing keys (JWKS)",
  });
}

}  // namespace ordo::api
