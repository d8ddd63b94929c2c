#include "api/health.h"

#include "api/errors.h"

namespace ordo::api {

void AddHealthRoutes(RouteTable& table, std::function<bool()> database_ready, Metrics& metrics) {
  table.Add(Route{.method = "GET",
                  .path = "/healthz",
                  .scope = std::nullopt,
                  .handler = [](const Call&) -> Result<http::Response> {
                    return JsonResponse(200, {{"status", "ok"}});
                  },
                  .summary = "Liveness"});
  table.Add(
      Route{.method = "GET",
            .path = "/readyz",
            .scope = std::nullopt,
            .handler = [ready = std::move(database_ready)](const Call&) -> Result<http::Response> {
              if (!ready()) {
                Error e{ErrorCode::kUnavailable, "the database does not answer", {}, 5};
                return Fail(std::move(e));
              }
              return JsonResponse(200, {{"status", "ready"}});
            },
            .summary = "Readiness"});
  table.Add(Route{.method = "GET",
                  .path = "/metrics",
                  .scope = std::nullopt,
                  .handler = [&metrics](const Call&) -> Result<http::Response> {
                    return http::Response::Text(200, metrics.Render(),
                                                "text/plain; version=0.0.4; charset=utf-8");
                  },
                  .summary = "Prometheus metrics"});
}

}  // namespace ordo::api
