#pragma once
// The API's route table: every route Ordo serves under /api (and the public endpoints), with the
// scope it needs, declared in one place. The server, the OpenAPI check and the rights test all
// read this table, so a route cannot exist without a declared scope.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/principal.h"
#include "http/message.h"

namespace ordo::api {

// What a handler sees: the request (path parameters already decoded) and the authenticated
// caller (Type::kAnonymous on public routes).
struct Call {
  const http::Request& request;
  const Principal& principal;
};

// Most handlers are synchronous: they return a response or an Error, which the api layer renders
// as problem+json through errors.cc. They run on an I/O thread, so they must not block for long
// (SQLite work is fine; hashing is not).
using SyncHandler = std::function<Result<http::Response>(const Call&)>;
// A handler that completes later (e.g. after a hash on the worker pool). `done` is thread-safe and
// must be called exactly once.
using AsyncHandler =
    std::function<void(const Call&, http::RequestPtr, std::function<void(Result<http::Response>)>)>;

inline constexpr std::size_t kDefaultBodyLimit = 1 << 20;  // 1 MiB (API.md section 1)

struct Route {
  std::string method;  // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string path;    // template: "/api/v1/accesses/{accessKey}"
  // Scope the caller needs; std::nullopt = public (no authentication at all). "" = any
  // authenticated caller.
  std::optional<std::string> scope;
  SyncHandler handler;  // exactly one of handler / async_handler
  AsyncHandler async_handler;
  std::size_t body_limit = kDefaultBodyLimit;
  std::string summary;  // one line, also used by the OpenAPI consistency test
};

// Collects routes from every resource file. Not thread-safe: filled at start-up, then read-only.
class RouteTable {
 public:
  void Add(Route route) { routes_.push_back(std::move(route)); }
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace ordo::api
