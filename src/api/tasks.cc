// /api/v1/tasks: the user-task inbox. People who are not admins see and work only the tasks
// meant for them (engine_json.h VisibilityOf); accesses and admins may act for any user.
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

void RegisterTaskRoutes(RouteTable& table, engine::Engine& engine) {
  table.Add(Route{
      .method = "GET",
      .path = "/api/v1/tasks",
      .scope = kScopeRead,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto page = ej::PageOf(call.request);
        if (!page) return Fail(page.error());
        engine::TaskQuery query;
        query.instance_id = call.request.Query("processInstanceId");
        query.assignee = call.request.Query("assignee");
        query.candidate_user = call.request.Query("candidateUser");
        query.candidate_group = call.request.Query("candidateGroup");
        query.definition_key = call.request.Query("definitionKey");
        query.visible_to = ej::VisibilityOf(call.principal);
        auto list = engine.ListTasks(std::move(query), *page);
        if (!list) return Fail(list.error());
        json items = json::array();
        for (const auto& t : list->items) items.push_back(ej::Task(t));
        return JsonResponse(200, ListBody(std::move(items), list->next_cursor));
      },
      .summary = "List open user tasks",
  });

  table.Add(Route{
      .method = "GET",
      .path = "/api/v1/tasks/{id}",
      .scope = kScopeRead,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto got = engine.GetTask(IdOf(call), ej::VisibilityOf(call.principal));
        if (!got) return Fail(got.error());
        json body = ej::Task(got->first);
        body["variables"] = got->second;
        return JsonResponse(200, body);
      },
      .summary = "Get an open user task with the variables of its instance",
  });

  table.Add(Route{
      .method = "POST",
      .path = "/api/v1/tasks/{id}/claim",
      .scope = kScopeRun,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto body = ej::OptionalObjectBody(call.request);
        if (!body) return Fail(body.error());
        if (auto st = RejectUnknownFields(*body, {"user"}); !st) return Fail(st.error());
        auto user = ej::ActingUser(call.principal, *body);
        if (!user) return Fail(user.error());
        auto st = engine.Claim(IdOf(call), *user, ej::VisibilityOf(call.principal));
        if (!st) return Fail(st.error());
        return NoContent();
      },
      .summary = "Claim a user task for a user",
  });

  table.Add(Route{
      .method = "POST",
      .path = "/api/v1/tasks/{id}/unclaim",
      .scope = kScopeRun,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto st = engine.Unclaim(IdOf(call), ej::VisibilityOf(call.principal));
        if (!st) return Fail(st.error());
        return NoContent();
      },
      .summary = "Release a claimed user task",
  });

  table.Add(Route{
      .method = "POST",
      .path = "/api/v1/tasks/{id}/complete",
      .scope = kScopeRun,
      // Asynchronous like starting an instance (process_instances.cc).
      .async_handler =
          [&engine](const Call& call, http::RequestPtr,
                    std::function<void(Result<http::Response>)> done) {
            auto parsed = ej::ParseVariablesBody(call.request, {"variables", "user"});
            if (!parsed) return done(Fail(parsed.error()));
            auto user = ej::ActingUser(call.principal, parsed->body);
            if (!user) return done(Fail(user.error()));
            // A program that names no user completes whoever holds the task; a person, or a
            // program acting for a named user, must hold it (or nobody must).
            auto visible_to = ej::VisibilityOf(call.principal);
            const bool as_user = visible_to.has_value() || parsed->body.contains("user");
            engine.CompleteAsync(IdOf(call), std::move(parsed->variables), std::move(*user),
                                 std::move(visible_to), as_user,
                                 [done = std::move(done)](Status st) {
                                   if (!st) return done(Fail(st.error()));
                                   done(NoContent());
                                 });
          },
      .summary = "Complete a user task; the instance moves on",
  });
}

}  // namespace ordo::api
