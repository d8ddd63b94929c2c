// POST /api/v1/messages (API.md section 6). The engine runs no message events yet (the BPMN
// parser refuses message catch events at deployment), so no instance can wait for a message:
// a well-formed request is answered 404 "nothing waits for it", as the contract says, and a
// malformed one 400. The route exists so that clients see the documented contract, not an
// unknown path.

#include "api/engine_routes.h"
#include "api/errors.h"
#include "api/request_fields.h"

namespace ordo::api {

void RegisterMessageRoutes(RouteTable& table) {
  table.Add(Route{
      .method = "POST",
      .path = "/api/v1/messages",
      .scope = kScopeRun,
      .handler = [](const Call& call) -> Result<http::Response> {
        auto body = ParseJsonBody(call.request);
        if (!body) return Fail(body.error());
        if (auto st = RejectUnknownFields(
                *body, {"messageName", "correlationKey", "processInstanceId", "variables"});
            !st) {
          return Fail(st.error());
        }
        auto name = RequiredString(*body, "messageName");
        if (!name) return Fail(name.error());
        auto key = OptionalString(*body, "correlationKey");
        if (!key) return Fail(key.error());
        auto instance = OptionalString(*body, "processInstanceId");
        if (!instance) return Fail(instance.error());
        if (!*key && !*instance) {
          return Fail(ErrorCode::kInvalidArgument, "give 'correlationKey' or 'processInstanceId'");
        }
        if (auto v = body->find("variables"); v != body->end() && !v->is_object()) {
          return Fail(ErrorCode::kInvalidArgument, "'variables' must be an object");
        }
        return Fail(ErrorCode::kNotFound, "nothing waits for message '" + *name +
                                              "' (this version of Ordo runs no message events)");
      },
      .summary = "Correlate a message"});
}

}  // namespace ordo::api
