#pragma once
// Writing JSON text directly, for the few responses on the hottest paths (GET /api/v1/me,
// /healthz) where building an nlohmann::json tree and dumping it costs more than the rest of
// the request. Everything else uses nlohmann.

#include <string>
#include <string_view>

namespace ordo::api {

// Appends `value` as a JSON string literal (quotes included), escaping what RFC 8259 requires.
// `value` must be valid UTF-8: every string that reaches a response came from parsed JSON, a
// validated identifier or the database, all of them UTF-8.
void AppendJsonString(std::string& out, std::string_view value);

}  // namespace ordo::api
