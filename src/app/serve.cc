#include "app/serve.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>

#include "api/api_dispatcher.h"
#include "app/config.h"
#include "app/services.h"
#include "core/log.h"
#include "http/server.h"

namespace ordo::app {
namespace {

constexpr auto kShutdownGrace = std::chrono::seconds(20);

int StartupError(const std::string& message) {
  std::fprintf(stderr, "ordo: error: %s\n", message.c_str());
  return 2;
}

// Forwards to the ApiDispatcher once it exists. The server binds before the services are built
// (a busy port must fail start-up before the database is touched) but serves only after.
http::Dispatcher Deferred(http::Dispatcher& resolved) {
  http::Dispatcher d;
  d.body_limit = [&resolved](const http::Request& r) { return resolved.body_limit(r); };
  d.handle = [&resolved](http::RequestPtr r, http::Reply reply) {
    resolved.handle(std::move(r), std::move(reply));
  };
  d.answer_before_body = [&resolved](const http::Request& r) {
    return resolved.answer_before_body(r);
  };
  d.render_error = [&resolved](const Error& e, const http::Request& r) {
    return resolved.render_error(e, r);
  };
  d.on_complete = [&resolved](const http::Request& r, const http::Response& resp,
                              std::chrono::nanoseconds took) {
    resolved.on_complete(r, resp, took);
  };
  return d;
}

}  // namespace

int RunServe(const std::vector<std::string>& args) {
  auto config = LoadConfig(args);
  if (!config) {
    if (config.error().code == ErrorCode::kFailedPrecondition) {  // --help
      std::fputs(config.error().detail.c_str(), stdout);
      return 0;
    }
    return StartupError(config.error().detail);
  }
  // Signals are taken synchronously by this thread (sigwait); every thread started from here on
  // inherits the mask, so no other thread is interrupted by them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  log::Init(config->log_level);

  std::unique_ptr<api::ApiDispatcher> api;
  http::Dispatcher resolved;
  http::ServerOptions options;
  options.host = config->host;
  options.port = config->port;
  options.io_threads = config->io_threads;
  options.max_connections = config->max_connections;
  options.trusted_proxies = config->trusted_proxies;
  options.tls_cert_file = config->tls_cert;
  options.tls_key_file = config->tls_key;
  http::Server server(options, Deferred(resolved));
  if (Status st = server.Listen(); !st) return StartupError(st.error().detail);

  auto services = BuildServices(*config);
  if (!services) return StartupError(services.error().detail);
  api::RouteTable routes;
  AddAllRoutes(routes, **services);
  api = std::make_unique<api::ApiDispatcher>(routes, (*services)->authenticator.get(),
                                             (*services)->metrics);
  resolved = api->ForServer();
  if (Status st = server.Start(); !st) return StartupError(st.error().detail);

  Config effective = *config;
  effective.port = server.port();
  const std::filesystem::path password_file =
      std::filesystem::path(config->data_dir) / "admin-password";
  std::fprintf(stderr, "ordo ready: serving %s (database %s)\n", effective.BaseUrl().c_str(),
               (*services)->db->display_name().c_str());
  if (std::filesystem::exists(password_file)) {
    std::fprintf(stderr, "ordo: log in at %s/ as admin; the first password is in %s\n",
                 effective.BaseUrl().c_str(), password_file.c_str());
  }
  std::fflush(stderr);
  spdlog::info("event=ready url={} database={}", effective.BaseUrl(),
               (*services)->db->display_name());

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("event=stopping signal={}", received == SIGTERM ? "SIGTERM" : "SIGINT");
  server.Stop(std::chrono::duration_cast<std::chrono::milliseconds>(kShutdownGrace));
  services->reset();  // joins the pools, closes the database
  spdlog::info("event=stopped");
  return 0;
}

}  // namespace ordo::app
