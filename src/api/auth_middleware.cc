#include "api/auth_middleware.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <strings.h>

#include <array>
#include <nlohmann/json.hpp>

#include "api/errors.h"
#include "auth/basic_credentials.h"
#include "auth/master_key.h"

namespace ordo::api {
namespace {

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

bool IsUnsafe(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

void AuditFailure(AuthModule& m, const http::Request& r, std::string_view method,
                  std::string_view reason, const std::string& subject, std::string outcome) {
  auth::AuditActor actor{"anonymous", subject, r.client_address, r.request_id};
  nlohmann::json detail = {{"method", method}, {"reason", reason}};
  m.audit.Record(m.audit.Make(actor, "auth.failed", std::move(outcome), subject, detail.dump()));
}

std::string_view OutcomeOf(const Error& e) {
  switch (e.code) {
    case ErrorCode::kResourceExhausted:
      return "throttled";
    case ErrorCode::kUnavailable:
      return "overloaded";
    default:
      return "denied";
  }
}

Principal AccessPrincipal(const auth::LiveAccess& a) {
  Principal p;
  p.type = Principal::Type::kAccess;
  p.id = a.id;
  p.name = a.access_key;
  p.display_name = a.name;
  p.right = a.right;
  p.scopes = a.scopes;
  return p;
}

// A Basic check that let the access in: counted, and its last use noted.
void NoteBasicAllowed(AuthModule& m, const http::Request& r, const auth::LiveAccess& a,
                      bool cached) {
  m.Count("basic", cached ? "cached" : "ok");
  m.accesses.NoteUse(a.access_key, r.client_address);
}

Error Unauthenticated() { return MissingCredentials(); }

class AuthMiddleware final : public Authenticator {
 public:
  explicit AuthMiddleware(AuthModule& m) : m_(m) {}

  void Authenticate(const http::RequestPtr& request,
                    std::function<void(Result<Principal>)> done) override {
    const http::Request& r = *request;
    if (auto authz = r.Header("authorization")) {
      if (StartsWithIgnoreCase(*authz, "basic ")) return Basic(request, *authz, std::move(done));
      if (StartsWithIgnoreCase(*authz, "bearer ")) return Bearer(r, *authz, done);
      AuditFailure(m_, r, "other", "unsupported_scheme", "", "failure");
      return done(Fail(auth::InvalidCredentialsError()));
    }
    std::string cookie = CookieValue(r, kSessionCookie);
    if (!cookie.empty()) return Session(r, cookie, done);
    done(Fail(Unauthenticated()));
  }

 private:
  void Basic(const http::RequestPtr& request, std::string_view value,
             std::function<void(Result<Principal>)> done) {
    auth::DecodedBasic creds;
    if (!creds.Parse(value)) {
      // Through the verifier: counted per address, and held back 429 once the address is
      // throttled, like a malformed secret.
      return m_.verifier.RefuseMalformed(
          request->client_address, [this, request, done = std::move(done)](
                                       Result<auth::VerifiedAccess> v, auth::BasicOutcome o) {
            const bool throttled = o == auth::BasicOutcome::kThrottled;
            m_.Count("basic", throttled ? "throttled" : "denied");
            AuditFailure(m_, *request, "basic", throttled ? "throttled" : "unparsable", "",
                         throttled ? "throttled" : "failure");
            done(Fail(v.error()));
          });
    }
    // A client that keeps sending the same credentials is answered here, synchronously and
    // without a copy of them (the path of cached Basic, issue 8 S3); anything else goes through
    // the whole pipeline. Either way the decoded secret is wiped before the route's handler
    // runs (inside `done`).
    if (auto cached = m_.verifier.VerifyCached(creds.user(), creds.secret())) {
      creds.Clear();
      NoteBasicAllowed(m_, *request, *cached->access, /*cached=*/true);
      return done(AccessPrincipal(*cached->access));
    }
    std::string access_key(creds.user());
    auth::SecretString secret(std::string(creds.secret()));
    creds.Clear();
    CheckAccessCredentials(m_, request, std::move(access_key), std::move(secret),
                           [done = std::move(done)](Result<auth::VerifiedAccess> v) {
                             if (!v) return done(Fail(v.error()));
                             done(AccessPrincipal(*v->access));
                           });
  }

  void Bearer(const http::Request& r, std::string_view value,
              const std::function<void(Result<Principal>)>& done) {
    std::string_view token = value.substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    std::string reason;
    auto p = m_.tokens.VerifyBearer(token, &reason);
    if (!p) {
      m_.Count("bearer", "denied");
      AuditFailure(m_, r, "bearer", reason, "", "failure");
      return done(Fail(p.error()));
    }
    m_.Count("bearer", "ok");
    m_.accesses.NoteUse(p->name, r.client_address);
    done(std::move(*p));
  }

  void Session(const http::Request& r, const std::string& cookie,
               const std::function<void(Result<Principal>)>& done) {
    auto s = m_.sessions.Resolve(cookie);
    if (!s) {
      m_.Count("session", "denied");
      if (s.error().code == ErrorCode::kUnauthenticated) {
        AuditFailure(m_, r, "session", "unknown_or_expired", "", "failure");
      }
      return done(Fail(s.error()));
    }
    if (IsUnsafe(r.method)) {
      auto header = r.Header("x-csrf-token");
      auto st = m_.sessions.CheckCsrf(s->session, header.value_or(""));
      if (!st) {
        m_.Count("session", "denied");
        AuditFailure(m_, r, "session", "csrf", s->principal.name, "failure");
        return done(Fail(st.error()));
      }
    }
    m_.Count("session", "ok");
    done(std::move(s->principal));
  }

  AuthModule& m_;
};

}  // namespace

AuthModule::AuthModule(store::Database& db_in, store::UserRepository& users_in, WorkerPool& pool_in,
                       AuthOptions options_in, const Clock& clock_in, auth::MasterKey master_key)
    : db(db_in),
      users(users_in),
      pool(pool_in),
      options(std::move(options_in)),
      clock(clock_in),
      cache(clock, options.cache_entries, options.cache_ttl),
      tarpit(options.refusal_delay),
      basic_throttle(clock, options.basic_throttle),
      login_throttle(clock, options.login_throttle),
      audit(db, clock),
      accesses(db, clock, table, cache, options.hash),
      verifier(clock, table, cache, basic_throttle, pool, options.hash),
      tokens(db, clock, table, std::move(master_key), options.tokens),
      sessions(db, users, clock, pool, login_throttle,
               [&] {
                 auth::SessionConfig c = options.sessions;
                 c.hash = options.hash;
                 return c;
               }()),
      authenticator(std::make_shared<AuthMiddleware>(*this)) {}

AuthModule::~AuthModule() {
  tarpit.Stop();  // held answers use the services below
  accesses.Stop();
  audit.Flush();
}

Result<std::shared_ptr<AuthModule>> CreateAuthModule(store::Database& db,
                                                     store::UserRepository& users,
                                                     WorkerPool& hash_pool, AuthOptions options,
                                                     const Clock& clock) {
  if (auto st = auth::InitSodium(); !st) return Fail(st.error());
  auto master = auth::LoadOrCreateMasterKey(options.data_dir, options.master_key_env);
  if (!master) return Fail(master.error());
  auto m = std::make_shared<AuthModule>(db, users, hash_pool, std::move(options), clock,
                                        std::move(*master));
  m->verifier.SetTarpit(&m->tarpit);
  m->sessions.SetTarpit(&m->tarpit);
  if (auto st = m->accesses.LoadAll(); !st) return Fail(st.error());
  if (auto st = m->tokens.LoadOrCreateKeys(); !st) {
    return Fail(st.error().code, "token signing keys: " + st.error().detail);
  }
  m->accesses.Start(m->options.poll_interval);
  // Issue 7: a Basic check for a key created on another node moments ago reads it from the
  // store instead of failing until the notification arrives. Only PostgreSQL has other nodes.
  if (db.dialect() == store::Dialect::kPostgres) {
    auto load_one = [module = m.get()](const std::string& key) {
      return module->accesses.LoadOne(key);
    };
    m->verifier.SetMissLoader(load_one);
    m->tokens.SetMissLoader(load_one);
  }
  // Issue 7: refresh the live-access table as soon as any node commits an access change.
  if (m->options.change_feed != nullptr) {
    auto refresh = [weak = std::weak_ptr<AuthModule>(m)](const std::string&) {
      if (auto module = weak.lock()) module->accesses.RequestRefresh();
    };
    m->options.change_feed->Subscribe(std::string(store::kAccessChannel), std::move(refresh));
  }
  return m;
}

std::shared_ptr<Authenticator> AuthenticatorOf(AuthModule& module) { return module.authenticator; }

void AuthModule::SetMetrics(Metrics* m) {
  metrics = m;
  if (m == nullptr) return;
  m->DescribeCounter("ordo_auth_total",
                     "Authentication attempts by method (basic, bearer, session, login, jwt) and "
                     "outcome (ok, cached, denied, throttled, overloaded).");
  m->AddGauge("ordo_credential_cache_entries", "Remembered successful Basic checks.",
              [this] { return static_cast<double>(cache.size()); });
  m->AddGauge("ordo_refusals_held", "Throttled (429) answers being held back by the tarpit.",
              [this] { return static_cast<double>(tarpit.held()); });
  m->AddGauge("ordo_live_accesses", "REST accesses in the in-memory live-access table.",
              [this] { return static_cast<double>(table.size()); });
  m->AddGauge("ordo_audit_events_dropped", "Audit events dropped because the queue was full.",
              [this] { return static_cast<double>(audit.dropped()); });
}

void AuthModule::Count(std::string_view method, std::string_view outcome) {
  if (metrics == nullptr) return;
  // Built on the stack: this runs on every authenticated request.
  std::array<char, 128> buffer{};
  const auto end = fmt::format_to_n(buffer.data(), buffer.size(), "method=\"{}\",outcome=\"{}\"",
                                    method, outcome);
  metrics->Increment("ordo_auth_total", std::string_view(buffer.data(), end.out - buffer.data()));
}

auth::AuditActor ActorOf(const Principal& p, const http::Request& r) {
  auth::AuditActor a;
  a.type = p.IsUser() ? "user" : p.IsAccess() ? "access" : "anonymous";
  a.name = p.name;
  a.address = r.client_address;
  a.request_id = r.request_id;
  return a;
}

std::string CookieValue(const http::Request& r, std::string_view name) {
  for (const auto& [key, value] : r.headers) {
    if (key != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      std::size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        return std::string(pair.substr(eq + 1));
      }
    }
  }
  return std::string();
}

void CheckAccessCredentials(AuthModule& m, const http::RequestPtr& request, std::string access_key,
                            auth::SecretString secret,
                            std::function<void(Result<auth::VerifiedAccess>)> done) {
  // A copy for the callback: the order in which Verify's arguments are built is unspecified, so
  // the callback cannot read `access_key` after it is moved into the first one.
  std::string key_copy = access_key;  // NOLINT(performance-unnecessary-copy-initialization)
  m.verifier.Verify(
      std::move(access_key), std::move(secret), request->client_address,
      [&m, request, key = std::move(key_copy), done = std::move(done)](
          Result<auth::VerifiedAccess> v, auth::BasicOutcome outcome) {
        if (v) {
          NoteBasicAllowed(m, *request, *v->access, outcome == auth::BasicOutcome::kAllowedCached);
          return done(std::move(v));
        }
        if (outcome == auth::BasicOutcome::kAbandoned) {
          // Nobody is left to answer, and nothing was checked: not an authentication failure.
          m.Count("basic", "abandoned");
          return done(Fail(v.error()));
        }
        m.Count("basic", OutcomeOf(v.error()));
        // The audit row names the access key (public), never the secret. Malformed keys are
        // not echoed: they may be a pasted secret.
        std::string subject = auth::IsWellFormedAccessKey(key) ? key : "";
        std::string result = outcome == auth::BasicOutcome::kThrottled    ? "throttled"
                             : outcome == auth::BasicOutcome::kOverloaded ? "overloaded"
                                                                          : "failure";
        AuditFailure(m, *request, "basic", auth::BasicOutcomeName(outcome), subject, result);
        done(Fail(v.error()));
      },
      [request] { return request->client_gone.Get(); });
}

}  // namespace ordo::api
