#pragma once
// Joins the route table to the HTTP server: routing (404/405 with Allow), authentication and the
// scope check before every non-public handler, one catch-all turning an exception into a 500
// problem with the request id, and the access log and metrics after every response.
// Built once at start-up; thread-safe afterwards.

#include <memory>

#include "api/authenticator.h"
#include "api/metrics.h"
#include "api/route.h"
#include "http/router.h"
#include "http/server.h"

namespace ordo::api {

class ApiDispatcher {
 public:
  // `authenticator` may be null only when every route is public (tests).
  ApiDispatcher(const RouteTable& routes, Authenticator* authenticator, Metrics& metrics);

  http::Dispatcher ForServer();

 private:
  void Handle(const http::RequestPtr& request, http::Reply reply) const;
  void RunHandler(const Route& route, const http::RequestPtr& request, const Principal& principal,
                  const http::Reply& reply) const;

  const RouteTable& routes_;
  Authenticator* authenticator_;
  Metrics& metrics_;
  http::Router router_;
  std::vector<const Route*> by_entry_;  // router entry index → route
};

}  // namespace ordo::api
