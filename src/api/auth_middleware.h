#pragma once
// The auth module's insides, shared by auth_middleware.cc (the Authenticator), auth_endpoints.cc,
// accesses.cc and audit_events.cc. Not for other modules: they use auth_routes.h.
//
// The Authenticator resolves the caller from, in this order:
//   1. `Authorization: Basic` → the Basic pipeline (auth/basic_verifier.h), hash on the pool;
//   2. `Authorization: Bearer` → JWT + live-access table (auth/token_service.h), inline;
//   3. the `ordo_session` cookie → the session store; unsafe methods also need X-CSRF-Token.
// Another scheme, or none: 401. Credentials in the query string are never looked at. Every
// failure is audited through the background AuditLog (never with the secret or token).

#include <memory>
#include <string>

#include "api/auth_routes.h"
#include "api/metrics.h"
#include "auth/access_service.h"
#include "auth/audit_log.h"
#include "auth/basic_verifier.h"
#include "auth/credential_cache.h"
#include "auth/live_access_table.h"
#include "auth/session_service.h"
#include "auth/tarpit.h"
#include "auth/throttle.h"
#include "auth/token_service.h"

namespace ordo::api {

inline constexpr std::string_view kSessionCookie = "ordo_session";

class AuthModule {
 public:
  AuthModule(store::Database& db, store::UserRepository& users, WorkerPool& pool,
             AuthOptions options, const Clock& clock, auth::MasterKey master_key);
  ~AuthModule();

  // Counts auth outcomes (ordo_auth_total{method,outcome}) and exports cache and table sizes.
  // Call once at start-up, before serving; `metrics` must outlive the module.
  void SetMetrics(Metrics* metrics);
  void Count(std::string_view method, std::string_view outcome);

  store::Database& db;
  store::UserRepository& users;
  WorkerPool& pool;
  const AuthOptions options;
  const Clock& clock;
  auth::LiveAccessTable table;
  auth::CredentialCache cache;
  auth::Tarpit tarpit;  // before the verifier and sessions that hold answers in it
  auth::Throttle basic_throttle;
  auth::Throttle login_throttle;
  auth::AuditLog audit;
  auth::AccessService accesses;
  auth::BasicVerifier verifier;
  auth::TokenService tokens;
  auth::SessionService sessions;
  std::shared_ptr<Authenticator> authenticator;
  Metrics* metrics = nullptr;
};

// Who is calling, for audit rows.
auth::AuditActor ActorOf(const Principal& principal, const http::Request& request);
// Value of a cookie in the Cookie header; "" when absent.
std::string CookieValue(const http::Request& request, std::string_view name);
// Verifies Basic credentials for an endpoint that exchanges them (jwt, token): like the
// Authenticator's Basic path, including audit and NoteUse.
void CheckAccessCredentials(AuthModule& m, const http::RequestPtr& request, std::string access_key,
                            auth::SecretString secret,
                            std::function<void(Result<auth::VerifiedAccess>)> done);

}  // namespace ordo::api
