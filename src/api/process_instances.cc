// /api/v1/process-definitions/key/{key}/start and /api/v1/process-instances: start, list, read,
// cancel, variables and history of process instances.
#include <string>

#include "api/engine_json.h"
#include "api/engine_routes.h"
#include "api/errors.h"
#include "api/request_fields.h"

namespace ordo::api {
namespace {

using nlohmann::json;
namespace ej = engine_json;

std::string IdOf(const Call& call) { return std::string(call.request.Param("id")); }

}  // namespace

void RegisterProcessInstanceRoutes(RouteTable& table, engine::Engine& engine) {
  table.Add(Route{
      .method = "POST",
      .path = "/api/v1/process-definitions/key/{key}/start",
      .scope = kScopeRun,
      // Asynchronous: the I/O thread parses and moves on; the engine answers once the instance
      // is committed (on SQLite together with other calls, store/group_commit.h).
      .async_handler =
          [&engine](const Call& call, http::RequestPtr,
                    std::function<void(Result<http::Response>)> done) {
            auto parsed = ej::ParseVariablesBody(call.request, {"variables", "businessKey"});
            if (!parsed) return done(Fail(parsed.error()));
            auto business_key = OptionalString(parsed->body, "businessKey");
            if (!business_key) return done(Fail(business_key.error()));
            engine.StartAsync(std::string(call.request.Param("key")), std::move(parsed->variables),
                              std::move(*business_key), call.principal.name,
                              [done = std::move(done)](Result<engine::InstanceView> started) {
                                if (!started) return done(Fail(started.error()));
                                http::Response r = JsonResponse(201, ej::Instance(*started));
                                r.Set("Location",
                                      "/api/v1/process-instances/" + started->instance.id);
                                done(std::move(r));
                              });
          },
      .summary = "Start an instance of the latest version of a process",
  });

  table.Add(Route{
      .method = "GET",
      .path = "/api/v1/process-instances",
      .scope = kScopeRead,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto page = ej::PageOf(call.request);
        if (!page) return Fail(page.error());
        engine::InstanceFilter filter;
        filter.definition_key = call.request.Query("definitionKey");
        filter.business_key = call.request.Query("businessKey");
        filter.state = call.request.Query("state");
        if (filter.state && *filter.state != engine::kInstanceActive &&
            *filter.state != engine::kInstanceCompleted &&
            *filter.state != engine::kInstanceCancelled &&
            *filter.state != engine::kInstanceFailed) {
          return Fail(ErrorCode::kInvalidArgument,
                      "'state' must be one of active, completed, cancelled, failed");
        }
        auto list = engine.ListInstances(filter, *page);
        if (!list) return Fail(list.error());
        json items = json::array();
        for (const auto& v : list->items) items.push_back(ej::Instance(v));
        return JsonResponse(200, ListBody(std::move(items), list->next_cursor));
      },
      .summary = "List process instances",
  });

  table.Add(Route{
      .method = "GET",
      .path = "/api/v1/process-instances/{id}",
      .scope = kScopeRead,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto v = engine.GetInstance(IdOf(call));
        if (!v) return Fail(v.error());
        return JsonResponse(200, ej::Instance(*v));
      },
      .summary = "Get a process instance: state, active activities, variables, incidents",
  });

  table.Add(Route{
      .method = "DELETE",
      .path = "/api/v1/process-instances/{id}",
      .scope = kScopeRun,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto st = engine.Cancel(IdOf(call), call.principal.name);
        if (!st) return Fail(st.error());
        return NoContent();
      },
      .summary = "Cancel a process instance",
  });

  table.Add(Route{
      .method = "GET",
      .path = "/api/v1/process-instances/{id}/variables",
      .scope = kScopeRead,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto v = engine.GetVariables(IdOf(call));
        if (!v) return Fail(v.error());
        return JsonResponse(200, *v);
      },
      .summary = "Get the variables of a process instance",
  });

  table.Add(Route{
      .method = "PUT",
      .path = "/api/v1/process-instances/{id}/variables/{name}",
      .scope = kScopeRun,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto value = ParseJsonBody(call.request, /*require_object=*/false);
        if (!value) return Fail(value.error());
        auto st = engine.SetVariable(IdOf(call), std::string(call.request.Param("name")), *value);
        if (!st) return Fail(st.error());
        return NoContent();
      },
      .summary = "Set one variable of a process instance (the body is its JSON value)",
  });

  table.Add(Route{
      .method = "GET",
      .path = "/api/v1/process-instances/{id}/history",
      .scope = kScopeRead,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto page = ej::PageOf(call.request);
        if (!page) return Fail(page.error());
        auto list = engine.History(IdOf(call), *page);
        if (!list) return Fail(list.error());
        json items = json::array();
        for (const auto& h : list->items) items.push_back(ej::History(h));
        return JsonResponse(200, ListBody(std::move(items), list->next_cursor));
      },
      .summary = "The activities a process instance entered and left, in order, with the actor",
  });
}

}  // namespace ordo::api
