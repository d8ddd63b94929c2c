#include "api/people.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include "api/auth_middleware.h"
#include "api/errors.h"
#include "api/json_text.h"
#include "api/request_fields.h"
#include "auth/audit_log.h"
#include "core/clock.h"
#include "core/ids.h"

namespace ordo::api {
namespace {

constexpr std::size_t kMinPassword = 8;
constexpr std::size_t kMaxPassword = 1024;
constexpr std::size_t kMaxText = 200;

nlohmann::json UserJson(const store::UserRecord& u) {
  return {{"username", u.username},
          {"displayName", u.display_name},
          {"email", u.email},
          {"groups", u.groups},
          {"admin", u.admin},
          {"enabled", u.enabled},
          {"createdAt", FormatRfc3339(FromUnixSeconds(u.created_at / 1000))},
          {"updatedAt", FormatRfc3339(FromUnixSeconds(u.updated_at / 1000))}};
}

nlohmann::json GroupJson(const store::GroupRecord& g) {
  return {{"groupId", g.group_id},
          {"name", g.name},
          {"members", g.members},
          {"createdAt", FormatRfc3339(FromUnixSeconds(g.created_at / 1000))}};
}

Status CheckPassword(const std::optional<std::string>& password) {
  if (password && (password->size() < kMinPassword || password->size() > kMaxPassword)) {
    return Fail(ErrorCode::kInvalidArgument, "'password' must have 8 to 1024 characters");
  }
  return {};
}

Status CheckText(const std::optional<std::string>& value, std::string_view field) {
  if (value && value->size() > kMaxText) {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + std::string(field) + "' must have at most 200 characters");
  }
  return {};
}

// The audit row of a user or group change, written in the change's transaction.
store::AuditEvent ChangeEvent(const Call& call, std::string action, std::string target) {
  return auth::MakeAuditEvent(SystemClock::Instance(), ActorOf(call.principal, call.request),
                              std::move(action), "success", std::move(target));
}

// Runs `work` on the slow pool (it hashes a password) and completes with its result; 503 when
// the pool's queue is full.
void OnSlowPool(WorkerPool& pool, std::function<Result<http::Response>()> work,
                std::function<void(Result<http::Response>)> done) {
  auto shared_done = std::make_shared<std::function<void(Result<http::Response>)>>(done);
  if (!pool.TrySubmit([work = std::move(work), shared_done] { (*shared_done)(work()); })) {
    Error busy{ErrorCode::kUnavailable, "the server is busy; retry shortly", {}, 1};
    done(Fail(std::move(busy)));
  }
}

Result<std::optional<std::string>> HashIfGiven(const std::optional<std::string>& password,
                                               const auth::HashParams& params) {
  if (!password) return std::optional<std::string>();
  auto hash = auth::HashPassword(*password, params);
  if (!hash) return Fail(hash.error());
  return std::optional<std::string>(std::move(*hash));
}

// GET on a collection: `fetch(limit + 1, after)` reads one row more than the page, so that the
// body carries a cursor only when there is more.
template <typename Fetch, typename ToJson, typename Key>
SyncHandler PagedList(Fetch fetch, ToJson to_json, Key key) {
  return [fetch, to_json, key](const Call& call) -> Result<http::Response> {
    auto page = ParsePage(call.request);
    if (!page) return Fail(page.error());
    auto rows = fetch(page->limit + 1, page->after);
    if (!rows) return Fail(rows.error());
    return JsonResponse(200, PagedListBody(*rows, page->limit, to_json, key));
  };
}

// The fields of a user body, read and checked once for both create and patch.
struct UserFields {
  std::optional<std::string> username, password, display_name, email;
  std::optional<std::vector<std::string>> groups;
  std::optional<bool> admin, enabled;
};

Result<UserFields> ReadUserFields(const nlohmann::json& body, bool creating) {
  if (auto st = creating ? RejectUnknownFields(body, {"username", "displayName", "email", "groups",
                                                      "admin", "enabled", "password"})
                         : RejectUnknownFields(body, {"displayName", "email", "groups", "admin",
                                                      "enabled", "password"});
      !st) {
    return Fail(st.error());
  }
  UserFields f;
  if (creating) {
    for (const char* required : {"username", "password"}) {
      auto v = RequiredString(body, required);
      if (!v) return Fail(v.error());
      (required == std::string_view("username") ? f.username : f.password) = std::move(*v);
    }
    if (!IsValidUsername(*f.username)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "'username' must be 1 to 64 of letters, digits and . _ @ -");
    }
  } else {
    auto password = OptionalString(body, "password");
    if (!password) return Fail(password.error());
    f.password = std::move(*password);
  }
  auto display = OptionalString(body, "displayName");
  if (!display) return Fail(display.error());
  auto email = OptionalString(body, "email");
  if (!email) return Fail(email.error());
  auto groups = OptionalStringList(body, "groups");
  if (!groups) return Fail(groups.error());
  auto admin = OptionalBool(body, "admin");
  if (!admin) return Fail(admin.error());
  auto enabled = OptionalBool(body, "enabled");
  if (!enabled) return Fail(enabled.error());
  f.display_name = std::move(*display);
  f.email = std::move(*email);
  f.groups = std::move(*groups);
  f.admin = *admin;
  f.enabled = *enabled;
  for (auto st : {CheckPassword(f.password), CheckText(f.display_name, "displayName"),
                  CheckText(f.email, "email")}) {
    if (!st) return Fail(st.error());
  }
  return f;
}

void AddUserRoutes(RouteTable& table, const PeopleDeps& deps) {
  store::UserRepository& users = deps.users;

  table.Add(
      Route{.method = "GET",
            .path = "/api/v1/users",
            .scope = kScopeAdmin,
            .handler = PagedList(
                [&users](int limit, const std::string& after) { return users.List(limit, after); },
                UserJson, &store::UserRecord::username),
            .summary = "List users"});

  table.Add(Route{.method = "POST",
                  .path = "/api/v1/users",
                  .scope = kScopeAdmin,
                  .async_handler =
                      [deps](const Call& call, http::RequestPtr,
                             std::function<void(Result<http::Response>)> done) {
                        auto body = ParseJsonBody(call.request);
                        if (!body) return done(Fail(body.error()));
                        auto fields = ReadUserFields(*body, /*creating=*/true);
                        if (!fields) return done(Fail(fields.error()));
                        store::UserRecord user;
                        user.id = NewId();
                        user.username = *fields->username;
                        user.display_name = fields->display_name.value_or("");
                        user.email = fields->email.value_or("");
                        user.groups = fields->groups.value_or(std::vector<std::string>{});
                        user.admin = fields->admin.value_or(false);
                        user.enabled = fields->enabled.value_or(true);
                        user.created_at = user.updated_at = store::NowMillis();
                        store::AuditEvent event = ChangeEvent(call, "user.created", user.username);
                        OnSlowPool(
                            deps.slow_pool,
                            [deps, user = std::move(user), pw = std::move(*fields->password),
                             event]() mutable -> Result<http::Response> {
                              auto hash = auth::HashPassword(pw, deps.hash_params);
                              std::fill(pw.begin(), pw.end(), '\0');
                              if (!hash) return Fail(hash.error());
                              user.password_hash = std::move(*hash);
                              auto created = deps.users.Create(std::move(user), &event);
                              if (!created) return Fail(created.error());
                              http::Response r = JsonResponse(201, UserJson(*created));
                              r.Set("Location",
                                    "/api/v1/users/" + http::PercentEncode(created->username));
                              return r;
                            },
                            done);
                      },
                  .summary = "Create a user"});

  table.Add(Route{.method = "GET",
                  .path = "/api/v1/users/{username}",
                  .scope = kScopeAdmin,
                  .handler = [&users](const Call& call) -> Result<http::Response> {
                    const std::string username(call.request.Param("username"));
                    auto found = users.FindByUsername(username);
                    if (!found) return Fail(found.error());
                    if (!*found) return Fail(ErrorCode::kNotFound, "no user '" + username + "'");
                    return JsonResponse(200, UserJson(**found));
                  },
                  .summary = "Get a user"});

  table.Add(Route{.method = "PATCH",
                  .path = "/api/v1/users/{username}",
                  .scope = kScopeAdmin,
                  .async_handler =
                      [deps](const Call& call, http::RequestPtr,
                             std::function<void(Result<http::Response>)> done) {
                        auto body = ParseJsonBody(call.request);
                        if (!body) return done(Fail(body.error()));
                        auto fields = ReadUserFields(*body, /*creating=*/false);
                        if (!fields) return done(Fail(fields.error()));
                        store::UserPatch patch;
                        patch.display_name = fields->display_name;
                        patch.email = fields->email;
                        patch.groups = fields->groups;
                        patch.admin = fields->admin;
                        patch.enabled = fields->enabled;
                        const std::string username(call.request.Param("username"));
                        store::AuditEvent event = ChangeEvent(
                            call, fields->password ? "user.password_changed" : "user.updated",
                            username);
                        // Hashing is slow: only a patch with a password goes to the pool.
                        const bool hashes = fields->password.has_value();
                        auto apply = [deps, username, patch, pw = std::move(fields->password),
                                      event]() mutable -> Result<http::Response> {
                          auto hash = HashIfGiven(pw, deps.hash_params);
                          if (pw) std::fill(pw->begin(), pw->end(), '\0');
                          if (!hash) return Fail(hash.error());
                          patch.password_hash = std::move(*hash);
                          auto updated = deps.users.Update(username, patch, &event);
                          if (!updated) return Fail(updated.error());
                          return JsonResponse(200, UserJson(*updated));
                        };
                        if (!hashes) return done(apply());
                        OnSlowPool(deps.slow_pool, std::move(apply), done);
                      },
                  .summary = "Change a user"});

  table.Add(Route{.method = "DELETE",
                  .path = "/api/v1/users/{username}",
                  .scope = kScopeAdmin,
                  .handler = [&users](const Call& call) -> Result<http::Response> {
                    const std::string username(call.request.Param("username"));
                    if (call.principal.IsUser() && call.principal.name == username) {
                      return Fail(ErrorCode::kFailedPrecondition, "you cannot delete yourself");
                    }
                    const store::AuditEvent event = ChangeEvent(call, "user.deleted", username);
                    if (auto st = users.Delete(username, &event); !st) return Fail(st.error());
                    return NoContent();
                  },
                  .summary = "Delete a user"});
}

void AddGroupRoutes(RouteTable& table, store::UserRepository& users) {
  table.Add(Route{
      .method = "GET",
      .path = "/api/v1/groups",
      .scope = kScopeAdmin,
      .handler = PagedList(
          [&users](int limit, const std::string& after) { return users.ListGroups(limit, after); },
          GroupJson, &store::GroupRecord::group_id),
      .summary = "List groups"});

  table.Add(Route{.method = "POST",
                  .path = "/api/v1/groups",
                  .scope = kScopeAdmin,
                  .handler = [&users](const Call& call) -> Result<http::Response> {
                    auto body = ParseJsonBody(call.request);
                    if (!body) return Fail(body.error());
                    if (auto st = RejectUnknownFields(*body, {"groupId", "name", "members"}); !st) {
                      return Fail(st.error());
                    }
                    auto id = RequiredString(*body, "groupId");
                    if (!id) return Fail(id.error());
                    if (!IsValidUsername(*id)) {
                      return Fail(ErrorCode::kInvalidArgument,
                                  "'groupId' must be 1 to 64 of letters, digits and . _ @ -");
                    }
                    auto name = OptionalString(*body, "name");
                    if (!name) return Fail(name.error());
                    if (auto st = CheckText(*name, "name"); !st) return Fail(st.error());
                    auto members = OptionalStringList(*body, "members");
                    if (!members) return Fail(members.error());
                    const store::AuditEvent event = ChangeEvent(call, "group.created", *id);
                    auto created = users.CreateGroup(
                        store::GroupRecord{*id, name->value_or(*id),
                                           members->value_or(std::vector<std::string>{}),
                                           store::NowMillis()},
                        &event);
                    if (!created) return Fail(created.error());
                    http::Response r = JsonResponse(201, GroupJson(*created));
                    r.Set("Location", "/api/v1/groups/" + http::PercentEncode(created->group_id));
                    return r;
                  },
                  .summary = "Create a group"});

  table.Add(Route{.method = "GET",
                  .path = "/api/v1/groups/{groupId}",
                  .scope = kScopeAdmin,
                  .handler = [&users](const Call& call) -> Result<http::Response> {
                    const std::string id(call.request.Param("groupId"));
                    auto found = users.FindGroup(id);
                    if (!found) return Fail(found.error());
                    if (!*found) return Fail(ErrorCode::kNotFound, "no group '" + id + "'");
                    return JsonResponse(200, GroupJson(**found));
                  },
                  .summary = "Get a group"});

  table.Add(
      Route{.method = "PATCH",
            .path = "/api/v1/groups/{groupId}",
            .scope = kScopeAdmin,
            .handler = [&users](const Call& call) -> Result<http::Response> {
              auto body = ParseJsonBody(call.request);
              if (!body) return Fail(body.error());
              if (auto st = RejectUnknownFields(*body, {"name", "members"}); !st) {
                return Fail(st.error());
              }
              auto name = OptionalString(*body, "name");
              if (!name) return Fail(name.error());
              if (auto st = CheckText(*name, "name"); !st) return Fail(st.error());
              auto members = OptionalStringList(*body, "members");
              if (!members) return Fail(members.error());
              const std::string id(call.request.Param("groupId"));
              const store::AuditEvent event = ChangeEvent(call, "group.updated", id);
              auto updated = users.UpdateGroup(id, store::GroupPatch{*name, *members}, &event);
              if (!updated) return Fail(updated.error());
              return JsonResponse(200, GroupJson(*updated));
            },
            .summary = "Change a group"});

  table.Add(Route{.method = "DELETE",
                  .path = "/api/v1/groups/{groupId}",
                  .scope = kScopeAdmin,
                  .handler = [&users](const Call& call) -> Result<http::Response> {
                    const std::string id(call.request.Param("groupId"));
                    const store::AuditEvent event = ChangeEvent(call, "group.deleted", id);
                    if (auto st = users.DeleteGroup(id, &event); !st) {
                      return Fail(st.error());
                    }
                    return NoContent();
                  },
                  .summary = "Delete a group"});
}

// GET /api/v1/me for a REST access: what programs call to check their credentials, so it is
// written directly rather than through an nlohmann tree (keys in the order nlohmann would sort
// them, so both paths look alike).
http::Response AccessMeResponse(const Principal& p) {
  http::Response response;
  std::string& out = response.body;
  out.reserve(160);
  out += "{\"accessKey\":";
  AppendJsonString(out, p.name);
  out += ",\"name\":";
  AppendJsonString(out, p.display_name);
  out += ",\"right\":";
  AppendJsonString(out, p.right);
  out += ",\"scopes\":[";
  bool first = true;
  for (const std::string& scope : p.scopes) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, scope);
  }
  out += "],\"type\":\"access\"}";
  response.Add("Content-Type", "application/json");
  return response;
}

void AddMeRoute(RouteTable& table, store::UserRepository& users) {
  table.Add(Route{.method = "GET",
                  .path = "/api/v1/me",
                  .scope = "",  // any authenticated caller
                  .handler = [&users](const Call& call) -> Result<http::Response> {
                    const Principal& p = call.principal;
                    if (p.IsAccess()) return AccessMeResponse(p);
                    std::vector<std::string> scopes(p.scopes.begin(), p.scopes.end());
                    auto found = users.FindByUsername(p.name);
                    if (!found) return Fail(found.error());
                    if (!*found)
                      return Fail(ErrorCode::kUnauthenticated, "the session's user is gone");
                    nlohmann::json me = UserJson(**found);
                    me["type"] = "user";
                    me["scopes"] = scopes;
                    return JsonResponse(200, me);
                  },
                  .summary = "Who am I"});
}

}  // namespace

bool IsValidUsername(std::string_view username) {
  if (username.empty() || username.size() > 64) return false;
  return std::ranges::all_of(username, [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '@' || c == '-';
  });
}

void AddPeopleRoutes(RouteTable& table, PeopleDeps deps) {
  AddUserRoutes(table, deps);
  AddGroupRoutes(table, deps.users);
  AddMeRoute(table, deps.users);
}

}  // namespace ordo::api
