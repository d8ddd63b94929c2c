#pragma once
// JSON shapes of the engine resources (API.md section 6) and small helpers shared by the engine
// route files. Internal to src/api.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/errors.h"
#include "api/request_fields.h"
#include "core/clock.h"
#include "core/principal.h"
#include "engine/engine.h"
#include "http/message.h"

namespace ordo::api::engine_json {

using nlohmann::json;

inline json Time(long long ms) { return FormatRfc3339(TimePoint{std::chrono::milliseconds(ms)}); }
inline json Time(const std::optional<long long>& ms) { return ms ? Time(*ms) : json(); }
inline json TextOrNull(const std::optional<std::string>& s) { return s ? json(*s) : json(); }

inline json Definition(const engine::DefinitionRecord& d) {
  return {{"id", d.id},
          {"key", d.key},
          {"version", d.version},
          {"name", d.name.empty() ? json() : json(d.name)},
          {"deployedAt", Time(d.deployed_at)},
          {"deployedBy", d.deployed_by}};
}

inline json Instance(const engine::InstanceView& v) {
  const engine::InstanceRecord& i = v.instance;
  json incidents = json::array();
  for (const engine::IncidentRecord& inc : v.incidents) {
    incidents.push_back({{"activityId", inc.activity_id},
                         {"message", inc.message},
                         {"createdAt", Time(inc.created_at)}});
  }
  return {{"id", i.id},
          {"definitionId", i.definition_id},
          {"definitionKey", i.definition_key},
          {"version", i.definition_version},
          {"businessKey", TextOrNull(i.business_key)},
          {"state", i.state},
          {"startedAt", Time(i.started_at)},
          {"startedBy", i.started_by},
          {"endedAt", Time(i.ended_at)},
          {"activeActivityIds", engine::ActiveActivityIds(i)},
          {"variables", i.variables},
          {"incidents", std::move(incidents)}};
}

inline json Task(const engine::UserTaskRecord& t) {
  return {{"id", t.id},
          {"name", t.name.empty() ? json() : json(t.name)},
          {"activityId", t.activity_id},
          {"processInstanceId", t.instance_id},
          {"definitionKey", t.definition_key},
          {"assignee", TextOrNull(t.assignee)},
          {"candidateUsers", t.candidate_users},
          {"candidateGroups", t.candidate_groups},
          {"createdAt", Time(t.created_at)},
          {"priority", t.priority}};
}

inline json ExternalTask(const engine::ExternalTaskRecord& t, const json& variables) {
  return {{"id", t.id},
          {"topicName", t.topic},
          {"processInstanceId", t.instance_id},
          {"activityId", t.activity_id},
          {"variables", variables},
          {"workerId", TextOrNull(t.worker_id)},
          {"lockExpiresAt", Time(t.lock_expires_at)},
          {"retries", t.retries ? json(*t.retries) : json()},
          {"errorMessage", TextOrNull(t.error_message)}};
}

inline json History(const engine::HistoryRecord& h) {
  return {{"activityId", h.activity_id},
          {"activityType", h.activity_type},
          {"startedAt", Time(h.started_at)},
          {"endedAt", Time(h.ended_at)},
          {"actor", TextOrNull(h.actor)}};
}

// The engine's page request from `limit`/`cursor` (API.md section 1).
inline Result<engine::PageRequest> PageOf(const http::Request& request) {
  auto page = ParsePage(request);
  if (!page) return Fail(page.error());
  return engine::PageRequest{page->limit, page->after};
}

// A person who is not an admin only sees the tasks meant for them.
inline std::optional<engine::Visibility> VisibilityOf(const Principal& p) {
  if (p.IsUser() && !p.admin) return engine::Visibility{p.name, p.groups};
  return std::nullopt;
}

// The user a task call acts for: a restricted person acts as themselves (naming someone else is
// 403); others may name any user and default to their own name.
inline Result<std::string> ActingUser(const Principal& p, const json& body) {
  auto named = OptionalString(body, "user");
  if (!named) return Fail(named.error());
  if (VisibilityOf(p)) {
    if (*named && **named != p.name) {
      return Fail(ErrorCode::kPermissionDenied, "a user can only act for themselves");
    }
    return p.name;
  }
  if (*named && !(*named)->empty()) return **named;
  return p.name;
}

// Optional JSON object body: an empty body counts as {}.
inline Result<json> OptionalObjectBody(const http::Request& request) {
  if (request.body.empty()) return json::object();
  return ParseJsonBody(request);
}

// `variables`: absent or null → {}; an object → it; anything else → 400.
inline Result<json> VariablesField(const json& body) {
  auto it = body.find("variables");
  if (it == body.end() || it->is_null()) return json::object();
  if (!it->is_object()) return Fail(ErrorCode::kInvalidArgument, "'variables' must be an object");
  return *it;
}

// The body of a call that carries process variables (start, complete): an optional JSON object
// with only the `allowed` fields, and its `variables` as VariablesField reads them.
struct VariablesBody {
  json body;
  json variables;
};
inline Result<VariablesBody> ParseVariablesBody(const http::Request& request,
                                                std::initializer_list<std::string_view> allowed) {
  auto body = OptionalObjectBody(request);
  if (!body) return Fail(body.error());
  if (Status st = RejectUnknownFields(*body, allowed); !st) return Fail(st.error());
  auto variables = VariablesField(*body);
  if (!variables) return Fail(variables.error());
  return VariablesBody{std::move(*body), std::move(*variables)};
}

}  // namespace ordo::api::engine_json
