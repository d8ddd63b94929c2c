#include "api/errors.h"

#include <strings.h>

namespace ordo::api {
namespace {

struct Mapping {
  int status;
  const char* slug;  // default problem type
  const char* title;
};

Mapping MappingFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return {400, "invalid-request", "Invalid request"};
    case ErrorCode::kNotFound:
      return {404, "not-found", "Not found"};
    case ErrorCode::kAlreadyExists:
      return {409, "already-exists", "Already exists"};
    case ErrorCode::kFailedPrecondition:  // the resource's state forbids the call: a conflict
    case ErrorCode::kConflict:
      return {409, "conflict", "Conflict"};
    case ErrorCode::kUnprocessable:
      return {422, "unprocessable", "Unprocessable content"};
    case ErrorCode::kUnauthenticated:
      return {401, "unauthenticated", "Authentication required"};
    case ErrorCode::kPermissionDenied:
      return {403, "forbidden", "Forbidden"};
    case ErrorCode::kResourceExhausted:
      return {429, "too-many-requests", "Too many requests"};
    case ErrorCode::kUnavailable:
      return {503, "unavailable", "Service unavailable"};
    case ErrorCode::kMethodNotAllowed:
      return {405, "method-not-allowed", "Method not allowed"};
    case ErrorCode::kPayloadTooLarge:
      return {413, "payload-too-large", "Content too large"};
    case ErrorCode::kUnsupportedMediaType:
      return {415, "unsupported-media-type", "Unsupported media type"};
    case ErrorCode::kHeadersTooLarge:
      return {431, "headers-too-large", "Request header fields too large"};
    case ErrorCode::kUriTooLong:
      return {414, "uri-too-long", "URI too long"};
    case ErrorCode::kRequestTimeout:
      return {408, "request-timeout", "Request timeout"};
    case ErrorCode::kInternal:
      return {500, "internal", "Internal server error"};
  }
  return {500, "internal", "Internal server error"};
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

// RFC 6750 / RFC 7617 challenges. A browser shows its login box only for a Basic challenge, so
// it is left out when the caller is a script in a page (X-Requested-With) or used a token.
void AddChallenges(const Error& error, const http::Request& request, http::Response& response) {
  const auto authorization = request.Header("authorization");
  const bool sent_bearer = authorization && StartsWithIgnoreCase(*authorization, "bearer ");
  const auto requested_with = request.Header("x-requested-with");
  const bool from_script =
      requested_with && StartsWithIgnoreCase(*requested_with, "xmlhttprequest");
  if (error.code == ErrorCode::kPermissionDenied) {
    if (error.problem == "insufficient-scope") {
      response.Add("WWW-Authenticate", "Bearer realm=\"ordo\", error=\"insufficient_scope\"");
    }
    return;
  }
  if (!sent_bearer && !from_script) {
    response.Add("WWW-Authenticate", "Basic realm=\"ordo\", charset=\"UTF-8\"");
  }
  response.Add("WWW-Authenticate", error.problem == "invalid-token"
                                       ? "Bearer realm=\"ordo\", error=\"invalid_token\""
                                       : "Bearer realm=\"ordo\"");
}

}  // namespace

Error MissingCredentials() {
  return Error{ErrorCode::kUnauthenticated,
               "Authentication required: HTTP Basic with an access key and secret key, a Bearer "
               "token, or a session.",
               {},
               std::nullopt};
}

int StatusFor(ErrorCode code) { return MappingFor(code).status; }

http::Response ProblemResponse(const Error& error, const http::Request& request) {
  const Mapping m = MappingFor(error.code);
  const std::string slug = error.problem.empty() ? m.slug : error.problem;
  nlohmann::json body = {
      {"type", "/problems/" + slug},
      {"title", m.title},
      {"status", m.status},
      {"detail", error.detail.empty() ? std::string(m.title) : error.detail},
  };
  if (!request.request_id.empty()) body["requestId"] = request.request_id;
  http::Response response;
  response.status = m.status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  response.Add("Content-Type", "application/problem+json");
  response.Add("Cache-Control", "no-store");
  if (error.code == ErrorCode::kUnauthenticated || error.code == ErrorCode::kPermissionDenied) {
    AddChallenges(error, request, response);
  }
  if (error.code == ErrorCode::kResourceExhausted || error.code == ErrorCode::kUnavailable) {
    response.Add("Retry-After", std::to_string(std::max(1, error.retry_after_seconds.value_or(1))));
  }
  if (error.code == ErrorCode::kPayloadTooLarge || error.code == ErrorCode::kHeadersTooLarge ||
      error.code == ErrorCode::kUriTooLong || error.code == ErrorCode::kRequestTimeout) {
    response.Add("Connection", "close");
  }
  return response;
}

http::Response JsonResponse(int status, const nlohmann::json& body, bool no_store) {
  http::Response response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  response.Add("Content-Type", "application/json");
  if (no_store) {
    response.Add("Cache-Control", "no-store");
    response.Add("Pragma", "no-cache");
  }
  return response;
}

http::Response NoContent() {
  http::Response response;
  response.status = 204;
  return response;
}

Result<nlohmann::json> ParseJsonBody(const http::Request& request, bool require_object) {
  const auto content_type = request.Header("content-type");
  if (!content_type) {
    if (request.body.empty() && require_object) {
      return Fail(ErrorCode::kInvalidArgument, "the request body must be a JSON object");
    }
    return Fail(ErrorCode::kUnsupportedMediaType, "Content-Type must be application/json");
  }
  std::string_view media = *content_type;
  media = media.substr(0, media.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  const bool json =
      strncasecmp(media.data(), "application/json", media.size()) == 0 && media.size() == 16;
  const bool plus_json = media.size() > 5 && StartsWithIgnoreCase(media, "application/") &&
                         strncasecmp(media.data() + media.size() - 5, "+json", 5) == 0;
  if (!json && !plus_json) {
    return Fail(ErrorCode::kUnsupportedMediaType, "Content-Type must be application/json");
  }
  nlohmann::json parsed = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Fail(ErrorCode::kInvalidArgument, "the request body is not valid JSON");
  }
  if (require_object && !parsed.is_object()) {
    return Fail(ErrorCode::kInvalidArgument, "the request body must be a JSON object");
  }
  return parsed;
}

}  // namespace ordo::api
