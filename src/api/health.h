#pragma once
// Public operational endpoints: /healthz (the process serves), /readyz (the database answers),
// /metrics (Prometheus text).

#include <functional>

#include "api/metrics.h"
#include "api/route.h"

namespace ordo::api {

void AddHealthRoutes(RouteTable& table, std::function<bool()> database_ready, Metrics& metrics);

}  // namespace ordo::api
