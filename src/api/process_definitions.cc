// /api/v1/process-definitions: deploy BPMN files, list, read (and the XML as deployed), delete.
#include <strings.h>

#include <string>
#include <string_view>

#include "api/engine_json.h"
#include "api/engine_routes.h"
#include "api/errors.h"
#include "api/request_fields.h"
#include "engine/bpmn_parser.h"

namespace ordo::api {
namespace {

using nlohmann::json;
namespace ej = engine_json;

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool MediaIs(std::string_view media, std::string_view want) {
  return media.size() == want.size() && strncasecmp(media.data(), want.data(), want.size()) == 0;
}

// The value of parameter `name` in a header like `multipart/form-data; boundary="x"`.
std::string HeaderParam(std::string_view header, std::string_view name) {
  std::size_t pos = header.find(';');
  while (pos != std::string_view::npos) {
    std::string_view rest = header.substr(pos + 1);
    std::size_t next = rest.find(';');
    std::string_view item = TrimView(rest.substr(0, next));
    std::size_t eq = item.find('=');
    if (eq != std::string_view::npos && MediaIs(TrimView(item.substr(0, eq)), name)) {
      std::string_view value = TrimView(item.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return std::string(value);
    }
    pos = next == std::string_view::npos ? next : pos + 1 + next;
  }
  return {};
}

// The BPMN file from a multipart/form-data body (RFC 7578): the part named "file", else the
// first part with a filename, else the first part.
Result<std::string> FileFromMultipart(const std::string& body, std::string_view content_type) {
  std::string boundary = HeaderParam(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 200) {
    return Fail(ErrorCode::kInvalidArgument, "multipart body without a boundary");
  }
  const std::string delimiter = "--" + boundary;
  std::size_t pos = body.find(delimiter);
  std::optional<std::string> first, with_filename;
  while (pos != std::string::npos) {
    pos += delimiter.size();
    if (body.compare(pos, 2, "--") == 0) break;  // closing delimiter
    if (body.compare(pos, 2, "\r\n") != 0) break;
    pos += 2;
    std::size_t headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string::npos) break;
    std::string_view headers(body.data() + pos, headers_end - pos);
    std::size_t content_start = headers_end + 4;
    std::size_t next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string::npos) break;
    std::string content = body.substr(content_start, next - content_start);
    std::string name, filename;
    std::size_t line_start = 0;
    while (line_start <= headers.size()) {
      std::size_t line_end = headers.find("\r\n", line_start);
      std::string_view line =
          headers.substr(line_start, line_end == std::string_view::npos ? std::string_view::npos
                                                                        : line_end - line_start);
      std::size_t colon = line.find(':');
      if (colon != std::string_view::npos &&
          MediaIs(TrimView(line.substr(0, colon)), "content-disposition")) {
        name = HeaderParam(line, "name");
        filename = HeaderParam(line, "filename");
      }
      if (line_end == std::string_view::npos) break;
      line_start = line_end + 2;
    }
    if (name == "file") return content;
    if (!filename.empty() && !with_filename) with_filename = content;
    if (!first) first = content;
    pos = next + 2;
  }
  if (with_filename) return *with_filename;
  if (first) return *first;
  return Fail(ErrorCode::kInvalidArgument, "the multipart body has no file part");
}

// The deployed XML from the request: application/xml, text/xml, or multipart/form-data.
Result<std::string> BpmnFromRequest(const http::Request& request) {
  auto content_type = request.Header("content-type");
  if (!content_type) {
    return Fail(ErrorCode::kUnsupportedMediaType,
                "Content-Type must be application/xml, text/xml or multipart/form-data");
  }
  std::string_view media = TrimView(content_type->substr(0, content_type->find(';')));
  std::string xml;
  if (MediaIs(media, "application/xml") || MediaIs(media, "text/xml") ||
      (media.size() > 4 && MediaIs(media.substr(media.size() - 4), "+xml"))) {
    xml = request.body;
  } else if (MediaIs(media, "multipart/form-data")) {
    auto file = FileFromMultipart(request.body, *content_type);
    if (!file) return Fail(file.error());
    xml = std::move(*file);
  } else {
    return Fail(ErrorCode::kUnsupportedMediaType,
                "Content-Type must be application/xml, text/xml or multipart/form-data");
  }
  if (xml.empty()) return Fail(ErrorCode::kInvalidArgument, "the BPMN file is empty");
  return xml;
}

}  // namespace

void RegisterProcessDefinitionRoutes(RouteTable& table, engine::Engine& engine) {
  table.Add(Route{
      .method = "POST",
      .path = "/api/v1/process-definitions",
      .scope = kScopeDeploy,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto xml = BpmnFromRequest(call.request);
        if (!xml) return Fail(xml.error());
        auto deployed = engine.Deploy(*xml, call.principal.name);
        if (!deployed) return Fail(deployed.error());
        http::Response r =
            JsonResponse(deployed->created ? 201 : 200, ej::Definition(deployed->definition));
        r.Set("Location", "/api/v1/process-definitions/" + deployed->definition.id);
        return r;
      },
      .body_limit = engine::kMaxBpmnBytes,
      .summary = "Deploy a BPMN file: a new version of its process, or the same one if identical",
  });

  table.Add(Route{
      .method = "GET",
      .path = "/api/v1/process-definitions",
      .scope = kScopeRead,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto page = ej::PageOf(call.request);
        if (!page) return Fail(page.error());
        auto all = QueryBool(call.request, "allVersions", false);
        if (!all) return Fail(all.error());
        engine::DefinitionFilter filter;
        filter.key = call.request.Query("key");
        filter.all_versions = *all;
        auto list = engine.ListDefinitions(filter, *page);
        if (!list) return Fail(list.error());
        json items = json::array();
        for (const auto& d : list->items) items.push_back(ej::Definition(d));
        return JsonResponse(200, ListBody(std::move(items), list->next_cursor));
      },
      .summary = "List process definitions (latest version of each key unless allVersions)",
  });

  table.Add(Route{
      .method = "GET",
      .path = "/api/v1/process-definitions/{id}",
      .scope = kScopeRead,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto d = engine.GetDefinition(std::string(call.request.Param("id")), false);
        if (!d) return Fail(d.error());
        return JsonResponse(200, ej::Definition(*d));
      },
      .summary = "Get a process definition",
  });

  table.Add(Route{
      .method = "GET",
      .path = "/api/v1/process-definitions/{id}/xml",
      .scope = kScopeRead,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto d = engine.GetDefinition(std::string(call.request.Param("id")), true);
        if (!d) return Fail(d.error());
        return http::Response::Text(200, d->xml, "application/xml");
      },
      .summary = "Get the BPMN XML of a process definition, as deployed",
  });

  table.Add(Route{
      .method = "DELETE",
      .path = "/api/v1/process-definitions/{id}",
      .scope = kScopeDeploy,
      .handler = [&engine](const Call& call) -> Result<http::Response> {
        auto cascade = QueryBool(call.request, "cascade", false);
        if (!cascade) return Fail(cascade.error());
        auto st = engine.DeleteDefinition(std::string(call.request.Param("id")), *cascade,
                                          call.principal.name);
        if (!st) return Fail(st.error());
        return NoContent();
      },
      .summary = "Delete a process definition (cascade=true cancels its running instances)",
  });
}

void RegisterEngineRoutes(RouteTable& table, engine::Engine& engine) {
  RegisterProcessDefinitionRoutes(table, engine);
  RegisterProcessInstanceRoutes(table, engine);
  RegisterTaskRoutes(table, engine);
  RegisterExternalTaskRoutes(table, engine);
  RegisterMessageRoutes(table);
}

}  // namespace ordo::api
