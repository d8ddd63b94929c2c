#pragma once
// The only place that turns an Error into HTTP: status code, RFC 9457 problem+json body, and the
// headers some errors need (Retry-After, WWW-Authenticate challenges, Allow).

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "http/message.h"

namespace ordo::api {

// The 401 of a request that carried no usable credentials (the same wherever it is decided).
Error MissingCredentials();

// HTTP status for a code.
int StatusFor(ErrorCode code);

// problem+json response for `error`. `request` decides the WWW-Authenticate challenges of a 401
// (Bearer only when the request carried a Bearer token or X-Requested-With) and gives the
// request id that goes into the body.
http::Response ProblemResponse(const Error& error, const http::Request& request);

// 200/201 JSON response. `no_store` adds Cache-Control: no-store (responses with secrets/tokens).
http::Response JsonResponse(int status, const nlohmann::json& body, bool no_store = false);
// 204 No Content.
http::Response NoContent();

// Parses a JSON request body: 415 unless Content-Type is application/json (or +json), 400 on
// malformed JSON or when the top level is not an object (`require_object`).
[[nodiscard]] Result<nlohmann::json> ParseJsonBody(const http::Request& request,
                                                   bool require_object = true);

}  // namespace ordo::api
