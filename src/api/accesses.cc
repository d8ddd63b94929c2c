// /api/v1/accesses: the REST access lifecycle (API.md section 2). Every route needs `admin`.
// Create and regenerate hash a new secret (argon2id), so they run on the hash pool; the answers
// that carry a secret are marked Cache-Control: no-store.
#include <memory>

#include "api/auth_middleware.h"
#include "api/auth_routes.h"
#include "api/errors.h"
#include "api/request_fields.h"
#include "auth/secrets.h"

namespace ordo::api {
namespace {

using nlohmann::json;

json TimeOrNull(const std::optional<long long>& ms) {
  if (!ms) return json();
  return FormatRfc3339(TimePoint{std::chrono::milliseconds(*ms)});
}

json AccessJson(const store::AccessRecord& a) {
  return {{"accessKey", a.access_key},
          {"name", a.name},
          {"right", a.right},
          {"scopes", a.scopes},
          {"enabled", a.enabled},
          {"createdAt", TimeOrNull(a.created_at)},
          {"createdBy", a.created_by},
          {"secretUpdatedAt", TimeOrNull(a.secret_updated_at)},
          {"secretHint", a.secret_hint},
          {"lastUsedAt", TimeOrNull(a.last_used_at)},
          {"lastUsedFrom", a.last_used_from.empty() ? json() : json(a.last_used_from)},
          {"expiresAt", TimeOrNull(a.expires_at)}};
}

http::Response WithSecret(int status, const auth::AccessWithSecret& a) {
  json body = AccessJson(a.record);
  body["secretKey"] = a.secret.value();
  http::Response r = JsonResponse(status, body, /*no_store=*/true);
  // The body held the secret: the json copy is gone; the response body is the one copy left.
  return r;
}

// `expiresAt`: absent → nullopt; null → "never" (Some(None)); a string → that time.
Result<std::optional<std::optional<TimePoint>>> ExpiresAt(const json& body) {
  auto it = body.find("expiresAt");
  if (it == body.end()) return std::optional<std::optional<TimePoint>>();
  if (it->is_null()) return std::optional<std::optional<TimePoint>>(std::optional<TimePoint>());
  TimePoint t;
  if (!it->is_string() || !ParseRfc3339(it->get<std::string>(), &t)) {
    return Fail(ErrorCode::kInvalidArgument, "'expiresAt' must be an RFC 3339 time or null");
  }
  return std::optional<std::optional<TimePoint>>(std::optional<TimePoint>(t));
}

// Runs `work` on the hash pool; 503 at once when its queue is full.
void OnPool(AuthModule& m, std::function<Result<http::Response>()> work,
            std::function<void(Result<http::Response>)> done) {
  auto shared = std::make_shared<std::function<void(Result<http::Response>)>>(std::move(done));
  if (!m.pool.TrySubmit([work = std::move(work), shared] { (*shared)(work()); })) {
    (*shared)(Fail(
        Error{ErrorCode::kUnavailable, "The server is busy; retry shortly.", "overloaded", 1}));
  }
}

Status CheckKey(std::string_view key) {
  // Any string that cannot be an access key cannot name one: 404, like an unknown key.
  if (!auth::IsWellFormedAccessKey(key)) return Fail(ErrorCode::kNotFound, "no such access");
  return {};
}

}  // namespace

void RegisterAccessRoutes(RouteTable& table, AuthModule& m) {
  table.Add(Route{
      .method = "POST",
      .path = "/api/v1/accesses",
      .scope = kScopeAdmin,
      .async_handler =
          [&m](const Call& call, http::RequestPtr request,
               std::function<void(Result<http::Response>)> done) {
            auto body = ParseJsonBody(call.request);
            if (!body) return done(Fail(body.error()));
            if (auto st = RejectUnknownFields(*body, {"name", "right", "scopes", "expiresAt"});
                !st) {
              return done(Fail(st.error()));
            }
            auth::AccessCreate create;
            auto name = RequiredString(*body, "name");
            if (!name) return done(Fail(name.error()));
            create.name = *name;
            auto right = OptionalString(*body, "right");
            if (!right) return done(Fail(right.error()));
            create.right = *right;
            auto scopes = OptionalStringList(*body, "scopes");
            if (!scopes) return done(Fail(scopes.error()));
            create.scopes = *scopes;
            auto expires = ExpiresAt(*body);
            if (!expires) return done(Fail(expires.error()));
            if (*expires) create.expires_at = **expires;
            auth::AuditActor actor = ActorOf(call.principal, call.request);
            OnPool(
                m,
                [&m, create, actor]() -> Result<http::Response> {
                  auto made = m.accesses.Create(create, actor);
                  if (!made) return Fail(made.error());
                  http::Response r = WithSecret(201, *made);
                  r.Set("Location", "/api/v1/accesses/" + made->record.access_key);
                  return r;
                },
                std::move(done));
            (void)request;
          },
      .summary = "Create a REST access; the answer holds its secret key, once",
  });

  table.Add(Route{
      .method = "GET",
      .path = "/api/v1/accesses",
      .scope = kScopeAdmin,
      .handler = [&m](const Call& call) -> Result<http::Response> {
        auto page = ParsePage(call.request);
        if (!page) return Fail(page.error());
        auto list = m.accesses.List(page->after, page->limit);
        if (!list) return Fail(list.error());
        json items = json::array();
        for (const auto& a : *list) items.push_back(AccessJson(a));
        std::optional<std::string> last;
        if (static_cast<int>(list->size()) == page->limit) last = list->back().access_key;
        return JsonResponse(200, ListBody(std::move(items), last));
      },
      .summary = "List REST accesses (never a secret or hash)",
  });

  table.Add(Route{
      .method = "GET",
      .path = "/api/v1/accesses/{accessKey}",
      .scope = kScopeAdmin,
      .handler = [&m](const Call& call) -> Result<http::Response> {
        std::string key(call.request.Param("accessKey"));
        if (auto st = CheckKey(key); !st) return Fail(st.error());
        auto a = m.accesses.Get(key);
        if (!a) return Fail(a.error());
        return JsonResponse(200, AccessJson(*a));
      },
      .summary = "Read one REST access",
  });

  table.Add(Route{
      .method = "PATCH",
      .path = "/api/v1/accesses/{accessKey}",
      .scope = kScopeAdmin,
      .handler = [&m](const Call& call) -> Result<http::Response> {
        std::string key(call.request.Param("accessKey"));
        if (auto st = CheckKey(key); !st) return Fail(st.error());
        auto body = ParseJsonBody(call.request);
        if (!body) return Fail(body.error());
        if (auto st =
                RejectUnknownFields(*body, {"name", "right", "scopes", "enabled", "expiresAt"});
            !st) {
          return Fail(st.error());
        }
        auth::AccessPatch patch;
        auto name = OptionalString(*body, "name");
        if (!name) return Fail(name.error());
        patch.name = *name;
        auto right = OptionalString(*body, "right");
        if (!right) return Fail(right.error());
        patch.right = *right;
        auto scopes = OptionalStringList(*body, "scopes");
        if (!scopes) return Fail(scopes.error());
        patch.scopes = *scopes;
        auto enabled = OptionalBool(*body, "enabled");
        if (!enabled) return Fail(enabled.error());
        patch.enabled = *enabled;
        auto expires = ExpiresAt(*body);
        if (!expires) return Fail(expires.error());
        patch.expires_at = *expires;
        auto a = m.accesses.Patch(key, patch, ActorOf(call.principal, call.request));
        if (!a) return Fail(a.error());
        return JsonResponse(200, AccessJson(*a));
      },
      .summary = "Change a REST access's name, right or scopes, enabled flag or expiry",
  });

  table.Add(Route{
      .method = "POST",
      .path = "/api/v1/accesses/{accessKey}/secret",
      .scope = kScopeAdmin,
      .async_handler =
          [&m](const Call& call, http::RequestPtr request,
               std::function<void(Result<http::Response>)> done) {
            std::string key(call.request.Param("accessKey"));
            if (auto st = CheckKey(key); !st) return done(Fail(st.error()));
            long long grace = 0;
            if (!call.request.body.empty()) {
              auto body = ParseJsonBody(call.request);
              if (!body) return done(Fail(body.error()));
              if (auto st = RejectUnknownFields(*body, {"previousSecretValidFor"}); !st) {
                return done(Fail(st.error()));
              }
              auto g = OptionalInteger(*body, "previousSecretValidFor");
              if (!g) return done(Fail(g.error()));
              grace = g->value_or(0);
              if (grace < 0 || grace > auth::kMaxSecretGrace.count()) {
                return done(Fail(ErrorCode::kInvalidArgument,
                                 "'previousSecretValidFor' must be between 0 and 604800 seconds"));
              }
            }
            auth::AuditActor actor = ActorOf(call.principal, call.request);
            OnPool(
                m,
                [&m, key, grace, actor]() -> Result<http::Response> {
                  auto made = m.accesses.Regenerate(key, std::chrono::seconds(grace), actor);
                  if (!made) return Fail(made.error());
                  return WithSecret(200, *made);
                },
                std::move(done));
            (void)request;
          },
      .summary = "Regenerate the secret key; the answer holds the new one, once",
  });

  table.Add(Route{
      .method = "DELETE",
      .path = "/api/v1/accesses/{accessKey}",
      .scope = kScopeAdmin,
      .handler = [&m](const Call& call) -> Result<http::Response> {
        std::string key(call.request.Param("accessKey"));
        if (auto st = CheckKey(key); !st) return Fail(st.error());
        if (auto st = m.accesses.Delete(key, ActorOf(call.principal, call.request)); !st) {
          return Fail(st.error());
        }
        return NoContent();
      },
      .summary = "Delete a REST access; its secret and tokens stop working at once",
  });
}

}  // namespace ordo::api
