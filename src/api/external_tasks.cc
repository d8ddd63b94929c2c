// /api/v1/external-tasks: external workers fetch tasks by topic with a lock, then complete them
// or report a failure (retries; none left raises an incident).
#include <string>
#include <vector>

#include "api/engine_json.h"
#include "api/engine_routes.h"
#include "api/errors.h"
#include "api/request_fields.h"

namespace ordo::api {
namespace {

using nlohmann::json;
namespace ej = engine_json;

std::string IdOf(const Call& call) { return std::string(call.request.Param("id")); }

Result<long long> NonNegative(const json& body, std::string_view field, long long fallback) {
  auto v = OptionalInteger(body, field);
  if (!v) return Fail(v.error());
  if (!*v) return fallback;
  if (**v < 0) {
    return Fail(ErrorCode::kInvalidArgument, "'" + std::string(field) + "' must not be negative");
  }
  return **v;
}

}  // namespace

void RegisterExternalTaskRoutes(RouteTable& table, engine::Engine& engine) {
  table.Add(Route{
      .method = "POST",
      .path = "/api/v1/external-tasks/fetch-and-lock",
      .scope = kScopeRun,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto body = ParseJsonBody(call.request);
        if (!body) return Fail(body.error());
        // Camunda 7 clients also send usePriority and asyncResponseTimeout: accepted, unused.
        if (auto st = RejectUnknownFields(
                *body, {"workerId", "maxTasks", "topics", "usePriority", "asyncResponseTimeout"});
            !st) {
          return Fail(st.error());
        }
        auto worker = RequiredString(*body, "workerId");
        if (!worker) return Fail(worker.error());
        auto max_tasks = NonNegative(*body, "maxTasks", 1);
        if (!max_tasks) return Fail(max_tasks.error());
        auto topics_it = body->find("topics");
        if (topics_it == body->end() || !topics_it->is_array() || topics_it->empty()) {
          return Fail(ErrorCode::kInvalidArgument, "'topics' must be a non-empty array");
        }
        std::vector<engine::TopicRequest> topics;
        for (const json& t : *topics_it) {
          if (!t.is_object()) {
            return Fail(ErrorCode::kInvalidArgument, "each of 'topics' must be an object");
          }
          auto name = RequiredString(t, "topicName");
          if (!name) return Fail(name.error());
          auto lock = OptionalInteger(t, "lockDuration");
          if (!lock) return Fail(lock.error());
          if (!*lock || **lock <= 0 || **lock > 30LL * 24 * 3600 * 1000) {
            return Fail(ErrorCode::kInvalidArgument,
                        "'lockDuration' must be a positive number of milliseconds, at most 30 "
                        "days");
          }
          topics.push_back(engine::TopicRequest{*name, **lock});
        }
        auto locked = engine.FetchAndLock(
            *worker, static_cast<int>(std::min<long long>(*max_tasks, engine::kMaxPageSize + 1)),
            topics);
        if (!locked) return Fail(locked.error());
        json items = json::array();
        for (const auto& l : *locked) items.push_back(ej::ExternalTask(l.task, l.variables));
        return JsonResponse(200, items);
      },
      .summary = "Fetch external tasks of some topics and lock them to a worker",
  });

  table.Add(Route{
      .method = "POST",
      .path = "/api/v1/external-tasks/{id}/complete",
      .scope = kScopeRun,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto body = ParseJsonBody(call.request);
        if (!body) return Fail(body.error());
        if (auto st = RejectUnknownFields(*body, {"workerId", "variables", "localVariables"});
            !st) {
          return Fail(st.error());
        }
        auto worker = RequiredString(*body, "workerId");
        if (!worker) return Fail(worker.error());
        auto variables = ej::VariablesField(*body);
        if (!variables) return Fail(variables.error());
        auto st = engine.CompleteExternal(IdOf(call), *worker, *variables);
        if (!st) return Fail(st.error());
        return NoContent();
      },
      .summary = "Complete a locked external task; the instance moves on",
  });

  table.Add(Route{
      .method = "POST",
      .path = "/api/v1/external-tasks/{id}/failure",
      .scope = kScopeRun,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto body = ParseJsonBody(call.request);
        if (!body) return Fail(body.error());
        if (auto st = RejectUnknownFields(
                *body, {"workerId", "errorMessage", "errorDetails", "retries", "retryTimeout"});
            !st) {
          return Fail(st.error());
        }
        auto worker = RequiredString(*body, "workerId");
        if (!worker) return Fail(worker.error());
        auto message = OptionalString(*body, "errorMessage");
        if (!message) return Fail(message.error());
        auto retries = OptionalInteger(*body, "retries");
        if (!retries) return Fail(retries.error());
        if (!*retries || **retries < 0 || **retries > 1'000'000) {
          return Fail(ErrorCode::kInvalidArgument, "'retries' must be an integer of 0 or more");
        }
        auto timeout = NonNegative(*body, "retryTimeout", 0);
        if (!timeout) return Fail(timeout.error());
        auto st = engine.FailExternal(IdOf(call), *worker, message->value_or(""),
                                      static_cast<int>(**retries), *timeout);
        if (!st) return Fail(st.error());
        return NoContent();
      },
      .summary = "Report the failure of a locked external task (retries: 0 raises an incident)",
  });
}

}  // namespace ordo::api
