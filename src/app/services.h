#pragma once
// The composition root: from a Config, the database, repositories, pools and services every
// route needs, and the complete route table. Only this module picks concrete implementations.
// Owns everything it builds; destroy it after the HTTP server has stopped.

#include <memory>

#include "api/authenticator.h"
#include "api/metrics.h"
#include "api/route.h"
#include "app/config.h"
#include "auth/password_hash.h"
#include "core/worker_pool.h"
#include "store/database.h"
#include "store/pg_notify.h"
#include "store/user_repository.h"

namespace ordo::api {
class AuthModule;
}
namespace ordo::engine {
class Engine;
}

namespace ordo::app {

struct Services {
  Config config;
  std::unique_ptr<store::Database> db;
  // Issue 7: cross-node change signals (LISTEN/NOTIFY on PostgreSQL, in-process on SQLite).
  std::unique_ptr<store::ChangeFeed> change_feed;
  std::unique_ptr<store::UserRepository> users;
  std::unique_ptr<WorkerPool> slow_pool;  // argon2id and other slow work; bounded queue
  // Users' password changes: they hash and then write the database in one job, and that write
  // must not run at the slow pool's idle priority (a starved thread holding SQLite's write lock
  // would stall every other writer). Rare administrative work: one thread, normal priority.
  std::unique_ptr<WorkerPool> people_pool;
  api::Metrics metrics;
  auth::HashParams hash_params;
  // Set by the auth module's wiring (AddAuth in services.cc).
  std::shared_ptr<api::Authenticator> authenticator;
  // Module services kept alive for the routes that reference them.
  std::vector<std::shared_ptr<void>> keep_alive;
  // The auth module (src/api/auth_routes.h); also the owner of `authenticator`.
  std::shared_ptr<api::AuthModule> auth;
  // The process engine (src/api/engine_routes.h); its repository is in keep_alive.
  std::shared_ptr<engine::Engine> engine;

  ~Services();
};

// Opens the database, applies migrations, creates the first admin if needed. Errors are one line
// naming the cause.
[[nodiscard]] Result<std::unique_ptr<Services>> BuildServices(const Config& config);

// Every route Ordo serves.
void AddAllRoutes(api::RouteTable& table, Services& services);

}  // namespace ordo::app
