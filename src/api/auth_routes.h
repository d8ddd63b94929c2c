#pragma once
// The auth module seen from the composition root: one object that owns every auth service
// (live-access table, credential cache, throttles, audit writer, access/token/session services)
// and the Authenticator the dispatcher calls, plus the functions that add the auth routes:
//
//   RegisterAuthRoutes    POST /api/auth/login, /logout, /jwt, /token; GET /.well-known/jwks.json
//   RegisterAccessRoutes  /api/v1/accesses...            (admin)
//   RegisterAuditRoutes   GET /api/v1/audit-events       (admin)
//
// Wiring (src/app/services.cc):
//   auto auth = api::AuthModule::Create(*db, *users, *slow_pool, options);
//   services.authenticator = (*auth)->authenticator();
//   services.keep_alive.push_back(*auth);
//   api::RegisterAuthRoutes(table, **auth); ...
//
// Thread-safe after Create(). Destroy it after the HTTP server stopped (it stops its background
// threads and flushes the audit queue); it borrows the database, users and pool.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "api/authenticator.h"
#include "api/route.h"
#include "auth/password_hash.h"
#include "auth/session_service.h"
#include "auth/throttle.h"
#include "auth/token_service.h"
#include "core/clock.h"
#include "core/worker_pool.h"
#include "store/database.h"
#include "store/pg_notify.h"
#include "store/user_repository.h"

namespace ordo::api {

struct AuthOptions {
  std::string data_dir;                       // where master.key lives
  std::optional<std::string> master_key_env;  // ORDO_MASTER_KEY, when set
  auth::HashParams hash;                      // argon2id cost (secrets and passwords)
  auth::ThrottleConfig basic_throttle;        // per access key / per address
  auth::ThrottleConfig login_throttle;        // per username / per address
  std::size_t cache_entries = 10'000;         // Basic success cache bound; 0 = no cache
  std::chrono::seconds cache_ttl{300};
  // How long a throttled attempt's 429 is held back (auth/tarpit.h); 0 = answered at once.
  std::chrono::milliseconds refusal_delay{1000};
  auth::TokenConfig tokens;                      // alg, lifetime, issuer, audience
  auth::SessionConfig sessions;                  // idle/absolute expiry (hash is set from `hash`)
  bool secure_cookies = false;                   // true under TLS: the cookie gets `Secure`
  std::chrono::milliseconds poll_interval{500};  // other nodes' access changes
  // Issue 7: when set, another node's access change (PostgreSQL NOTIFY) triggers that poll at
  // once. Borrowed; the caller stops the feed before destroying the module.
  store::ChangeFeed* change_feed = nullptr;
};

class AuthModule;

[[nodiscard]] Result<std::shared_ptr<AuthModule>> CreateAuthModule(
    store::Database& db, store::UserRepository& users, WorkerPool& hash_pool, AuthOptions options,
    const Clock& clock = SystemClock::Instance());

// The Authenticator to give the ApiDispatcher.
std::shared_ptr<Authenticator> AuthenticatorOf(AuthModule& module);

void RegisterAuthRoutes(RouteTable& table, AuthModule& module);
void RegisterAccessRoutes(RouteTable& table, AuthModule& module);
void RegisterAuditRoutes(RouteTable& table, AuthModule& module);

}  // namespace ordo::api
