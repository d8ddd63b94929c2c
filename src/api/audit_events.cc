// GET /api/v1/audit-events (admin): who did what, when (issue 3 item 8). Newest first, with
// filters `action` (exact, or a prefix ending in '.': `access.`), `actor`, `target`, `outcome`,
// `since`/`until` (RFC 3339), and the list paging of API.md section 1.
#include <charconv>

#include "api/auth_middleware.h"
#include "api/auth_routes.h"
#include "api/errors.h"
#include "api/request_fields.h"

namespace ordo::api {
namespace {

using nlohmann::json;

Result<std::optional<long long>> TimeQuery(const http::Request& r, std::string_view name) {
  auto v = r.Query(name);
  if (!v) return std::optional<long long>();
  TimePoint t;
  if (!ParseRfc3339(*v, &t)) {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + std::string(name) + "' must be an RFC 3339 time");
  }
  return std::optional<long long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

}  // namespace

void RegisterAuditRoutes(RouteTable& table, AuthModule& m) {
  table.Add(Route{
      .method = "GET",
      .path = "/api/v1/audit-events",
      .scope = kScopeAdmin,
      .handler = [&m](const Call& call) -> Result<http::Response> {
        const http::Request& r = call.request;
        auto page = ParsePage(r);
        if (!page) return Fail(page.error());
        store::AuditFilter f;
        f.action = r.Query("action").value_or("");
        f.actor = r.Query("actor").value_or("");
        f.target = r.Query("target").value_or("");
        f.outcome = r.Query("outcome").value_or("");
        auto since = TimeQuery(r, "since");
        if (!since) return Fail(since.error());
        f.since = *since;
        auto until = TimeQuery(r, "until");
        if (!until) return Fail(until.error());
        f.until = *until;
        f.limit = page->limit;
        if (!page->after.empty()) {
          // Cursor "<at>:<id>" of the last event of the previous page.
          const std::size_t colon = page->after.find(':');
          long long at = 0;
          const char* begin = page->after.data();
          const char* end = colon == std::string::npos ? nullptr : begin + colon;
          if (end == nullptr || std::from_chars(begin, end, at).ptr != end) {
            return Fail(ErrorCode::kInvalidArgument, "'cursor' is not valid");
          }
          f.before_at = at;
          f.before_id = page->after.substr(colon + 1);
        }
        // Make queued failures visible to the reader (a test, an admin after an incident).
        m.audit.Flush();
        auto events = m.db.Read<std::vector<store::AuditEvent>>(
            [&](soci::session& s) { return store::ListAuditEvents(s, f); });
        if (!events) return Fail(events.error());
        json items = json::array();
        for (const auto& e : *events) {
          json detail = json::parse(e.detail, nullptr, false);
          items.push_back({{"id", e.id},
                           {"at", FormatRfc3339(TimePoint{std::chrono::milliseconds(e.at)})},
                           {"action", e.action},
                           {"outcome", e.outcome},
                           {"actorType", e.actor_type},
                           {"actor", e.actor},
                           {"target", e.target.empty() ? json() : json(e.target)},
                           {"clientAddress", e.client_address},
                           {"requestId", e.request_id},
                           {"detail", detail.is_discarded() ? json::object() : detail}});
        }
        std::optional<std::string> last;
        if (static_cast<int>(events->size()) == f.limit) {
          last = std::to_string(events->back().at) + ":" + events->back().id;
        }
        return JsonResponse(200, ListBody(std::move(items), last));
      },
      .summary = "Audit log: logins, authentication failures, access changes, tokens issued",
  });
}

}  // namespace ordo::api
