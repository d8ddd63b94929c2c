#pragma once
// Structured logging on spdlog: one line per event, `key=value` fields. Callers must never pass
// a password, secret, token, cookie or Authorization header; tests scan the log for them.

#include <spdlog/spdlog.h>

#include <string>

namespace ordo::log {

// Sets up the process-wide logger on stderr. `level` is "debug", "info", "warn" or "error".
void Init(const std::string& level);

}  // namespace ordo::log
