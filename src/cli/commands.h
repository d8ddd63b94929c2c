#pragma once
// The client subcommands of `ordo` (API.md section 7): access create|list|get|regenerate|delete,
// deploy, start, tasks, complete. They read ORDO_URL, ORDO_ACCESS_KEY and ORDO_SECRET_KEY and
// talk to a running server through the client library.

#include <string>
#include <vector>

namespace ordo::cli {

// True when `command` is one of the client subcommands.
bool IsClientCommand(const std::string& command);

// Runs it; returns the exit code: 0 success, 1 the server refused (its problem detail is
// printed), 2 bad usage or no server.
int RunClientCommand(const std::string& command, const std::vector<std::string>& args);

}  // namespace ordo::cli
