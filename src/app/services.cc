#include "app/services.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "api/auth_middleware.h"
#include "api/auth_routes.h"
#include "api/engine_routes.h"
#include "api/health.h"
#include "api/people.h"
#include "api/static_routes.h"
#include "app/bootstrap.h"
#include "auth/hash_priority.h"
#include "auth/key_ring.h"
#include "core/cpus.h"
#include "store/engine_repository.h"
#include "store/migrations.h"

namespace ordo::app {
namespace {

Status PrepareDataDir(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec)
      return Fail(ErrorCode::kUnavailable,
                  "cannot create data folder " + dir + ": " + ec.message());
    ::chmod(dir.c_str(), 0700);
  } else if (!std::filesystem::is_directory(dir, ec)) {
    return Fail(ErrorCode::kUnavailable, "data folder " + dir + " is not a folder");
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    return Fail(ErrorCode::kUnavailable, "data folder " + dir + " is not writable");
  }
  return {};
}

// The auth module (REST accesses, tokens, sessions, audit) and its Authenticator.
Status AddAuth(Services& s) {
  const Config& c = s.config;
  api::AuthOptions o;
  o.data_dir = c.data_dir;
  if (const char* env = std::getenv("ORDO_MASTER_KEY"); env != nullptr && *env != '\0') {
    o.master_key_env = env;
  }
  o.hash = s.hash_params;
  o.cache_entries = c.credential_cache_entries;
  o.refusal_delay = std::chrono::milliseconds(c.refusal_delay_ms);
  o.basic_throttle.subject_threshold = c.basic_key_failures;
  o.basic_throttle.address_threshold = c.basic_address_failures;
  o.login_throttle.subject_threshold = c.basic_key_failures;
  o.login_throttle.address_threshold = c.basic_address_failures;
  auto alg = auth::ParseJwsAlg(c.jwt_algorithm);
  if (!alg) return Fail(ErrorCode::kInvalidArgument, "--jwt-alg must be HS256 or EdDSA");
  o.tokens.alg = *alg;
  o.tokens.lifetime = std::chrono::seconds(c.jwt_lifetime_seconds);
  // The issuer must be the same on every node: the public URL when given, else a constant.
  o.tokens.jwt.issuer = c.public_url.empty() ? "ordo" : c.public_url;
  o.secure_cookies = c.tls();
  o.change_feed = s.change_feed.get();
  auto module = api::CreateAuthModule(*s.db, *s.users, *s.slow_pool, std::move(o));
  if (!module) return Fail(module.error());
  s.auth = *module;
  s.auth->SetMetrics(&s.metrics);
  s.authenticator = api::AuthenticatorOf(**module);
  s.keep_alive.push_back(*module);
  return {};
}

}  // namespace

Services::~Services() {
  if (change_feed) change_feed->Stop();  // its handlers reference the modules below (issue 7)
  if (slow_pool) slow_pool->Shutdown();
  if (people_pool) people_pool->Shutdown();
  keep_alive.clear();
  authenticator.reset();
}

Result<std::unique_ptr<Services>> BuildServices(const Config& config) {
  auto s = std::make_unique<Services>();
  s->config = config;
  if (Status st = auth::InitSodium(); !st) return Fail(st.error());
  if (Status st = PrepareDataDir(config.data_dir); !st) return Fail(st.error());
  s->hash_params.ops_limit = config.argon2_ops;
  s->hash_params.mem_limit = config.argon2_mem_kib * 1024;

  auto db = store::Database::Open(config.DatabaseUrl(), config.db_pool);
  if (!db) return Fail(db.error());
  s->db = std::move(*db);
  if (Status st = store::ApplyMigrations(*s->db, store::AllMigrations()); !st) {
    return Fail(ErrorCode::kUnavailable,
                "cannot prepare database " + s->db->display_name() + ": " + st.error().detail);
  }
  s->users = std::make_unique<store::UserRepository>(*s->db);
  s->change_feed = store::MakeChangeFeed(*s->db, config.DatabaseUrl());
  auto boot = BootstrapAdmin(*s->users, config.data_dir, s->hash_params);
  if (!boot) return Fail(boot.error());

  // One hash thread per core this process may use: more would only fight over the same cores
  // (a process pinned to one core gets one), fewer would leave a core idle under a Basic flood.
  s->slow_pool = std::make_unique<WorkerPool>(
      config.hash_threads == 0 ? UsableCores() : config.hash_threads, config.hash_queue);
  auto priority = auth::ParseHashPriority(config.hash_priority);
  if (!priority) return Fail(priority.error());
  if (Status st = auth::LowerPoolThreads(*s->slow_pool, *priority); !st) {
    // Not fatal: the server is correct without it, only other requests wait behind hashes.
    spdlog::warn("event=hash_priority_failed priority={} error=\"{}\"",
                 auth::HashPriorityName(*priority), st.error().detail);
  }
  s->metrics.AddGauge(
      "ordo_hash_pool_in_flight", "Password hashes queued or running.",
      [pool = s->slow_pool.get()] { return static_cast<double>(pool->InFlight()); });
  s->metrics.AddGauge("ordo_hash_workers", "Threads that run password hashes.",
                      [pool = s->slow_pool.get()] { return static_cast<double>(pool->threads()); });
  s->people_pool = std::make_unique<WorkerPool>(1, config.hash_queue);
  if (Status st = AddAuth(*s); !st) return Fail(st.error());

  auto engine_repo = std::make_shared<store::EngineSqlRepository>(*s->db);
  engine::EngineOptions engine_options;
  engine_options.groups_of = [users = s->users.get()](const std::string& name) {
    auto user = users->FindByUsername(name);
    return user && *user ? (*user)->groups : std::vector<std::string>{};
  };
  s->engine = std::make_shared<engine::Engine>(*engine_repo, SystemClock::Instance(),
                                               std::move(engine_options));
  s->keep_alive.push_back(engine_repo);
  return s;
}

void AddAllRoutes(api::RouteTable& table, Services& s) {
  api::AddHealthRoutes(
      table, [db = s.db.get()] { return db->Ping(); }, s.metrics);
  api::AddPeopleRoutes(table, api::PeopleDeps{*s.users, *s.people_pool, s.hash_params});
  api::RegisterAuthRoutes(table, *s.auth);
  api::RegisterAccessRoutes(table, *s.auth);
  api::RegisterAuditRoutes(table, *s.auth);
  api::RegisterEngineRoutes(table, *s.engine);
  api::AddStaticRoutes(table);
}

}  // namespace ordo::app
