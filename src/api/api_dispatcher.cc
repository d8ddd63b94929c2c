#include "api/api_dispatcher.h"

#include <spdlog/spdlog.h>

#include "api/errors.h"

namespace ordo::api {
namespace {

std::string PrincipalLabel(const Principal& p) {
  switch (p.type) {
    case Principal::Type::kUser:
      return "user:" + p.name;
    case Principal::Type::kAccess:
      return "access:" + p.name;
    case Principal::Type::kAnonymous:
      return "-";
  }
  return "-";
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

ApiDispatcher::ApiDispatcher(const RouteTable& routes, Authenticator* authenticator,
                             Metrics& metrics)
    : routes_(routes), authenticator_(authenticator), metrics_(metrics) {
  for (const Route& route : routes_.routes()) {
    router_.Add(route.method, route.path, nullptr, route.body_limit);
    by_entry_.push_back(&route);
  }
}

http::Dispatcher ApiDispatcher::ForServer() {
  http::Dispatcher d;
  d.body_limit = [this](const http::Request& r) {
    const std::string_view method = r.method == "HEAD" ? "GET" : std::string_view(r.method);
    return router_.BodyLimit(method, r.path, kDefaultBodyLimit);
  };
  d.handle = [this](http::RequestPtr request, http::Reply reply) {
    Handle(request, std::move(reply));
  };
  d.render_error = [](const Error& e, const http::Request& r) { return ProblemResponse(e, r); };
  d.answer_before_body = [this](const http::Request& r) -> std::optional<http::Response> {
    // A protected route called with no credentials of any kind gets its 401 before the client
    // uploads the body; requests with credentials are decided after it, by the authenticator.
    if (r.Header("authorization") || r.Header("cookie")) return std::nullopt;
    const std::string_view method = r.method == "HEAD" ? "GET" : std::string_view(r.method);
    const http::RouteMatch m = router_.Match(method, r.path);
    if (m.kind != http::RouteMatch::Kind::kFound) return std::nullopt;
    if (!by_entry_[m.entry - router_.entries().data()]->scope) return std::nullopt;
    return ProblemResponse(MissingCredentials(), r);
  };
  d.on_complete = [this](const http::Request& r, const http::Response& resp,
                         std::chrono::nanoseconds took) {
    const double seconds = std::chrono::duration<double>(took).count();
    metrics_.ObserveRequest(r.method, r.route, resp.status, seconds);
    // Never the target's query, headers or body: they may carry credentials.
    spdlog::info(
        "event=request method={} route={} status={} duration_ms={:.3f} request_id={} "
        "principal={} client={}",
        r.method, r.route.empty() ? "-" : r.route, resp.status, seconds * 1000, r.request_id,
        r.principal.empty() ? "-" : r.principal, r.client_address);
  };
  return d;
}

void ApiDispatcher::Handle(const http::RequestPtr& request, http::Reply reply) const {
  const std::string_view method =
      request->method == "HEAD" ? "GET" : std::string_view(request->method);
  http::RouteMatch match = router_.Match(method, request->path);
  if (match.kind == http::RouteMatch::Kind::kNotFound) {
    return reply(
        ProblemResponse(Error{ErrorCode::kNotFound, "no resource at this path", {}, {}}, *request));
  }
  if (match.kind == http::RouteMatch::Kind::kMethodNotAllowed) {
    http::Response r = ProblemResponse(
        Error{ErrorCode::kMethodNotAllowed,
              "method " + request->method + " is not allowed here; allowed: " + Join(match.allowed),
              {},
              {}},
        *request);
    r.Set("Allow", Join(match.allowed));
    return reply(std::move(r));
  }
  const Route& route = *by_entry_[match.entry - router_.entries().data()];
  request->route = route.path;
  request->params = std::move(match.params);
  if (!route.scope) return RunHandler(route, request, Principal{}, reply);
  if (authenticator_ == nullptr) {
    return reply(ProblemResponse(MissingCredentials(), *request));
  }
  authenticator_->Authenticate(request, [this, &route, request,
                                         reply](Result<Principal> principal) {
    if (!principal) return reply(ProblemResponse(principal.error(), *request));
    request->principal = PrincipalLabel(*principal);
    if (!route.scope->empty() && !principal->Has(*route.scope)) {
      return reply(ProblemResponse(Error{ErrorCode::kPermissionDenied,
                                         "this operation needs the scope '" + *route.scope + "'",
                                         "insufficient-scope",
                                         {}},
                                   *request));
    }
    RunHandler(route, request, *principal, reply);
  });
}

void ApiDispatcher::RunHandler(const Route& route, const http::RequestPtr& request,
                               const Principal& principal, const http::Reply& reply) const {
  try {
    const Call call{*request, principal};
    if (route.async_handler) {
      route.async_handler(call, request, [request, reply](Result<http::Response> result) {
        reply(result ? std::move(*result) : ProblemResponse(result.error(), *request));
      });
      return;
    }
    Result<http::Response> result = route.handler(call);
    reply(result ? std::move(*result) : ProblemResponse(result.error(), *request));
  } catch (const std::exception& e) {
    spdlog::error("event=handler_exception route={} request_id={} error=\"{}\"", route.path,
                  request->request_id, e.what());
    reply(ProblemResponse(Error{ErrorCode::kInternal, "internal error", {}, {}}, *request));
  }
}

}  // namespace ordo::api
