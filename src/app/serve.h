#pragma once
// `ordo serve`: build the services, start the HTTP server, print one "ready" line, wait for
// SIGTERM/SIGINT, then stop accepting, finish requests in flight and close the database.

#include <string>
#include <vector>

namespace ordo::app {

// Returns the process exit code: 0 after a clean stop, 2 for a configuration or start-up error
// (printed as one line on stderr).
int RunServe(const std::vector<std::string>& args);

}  // namespace ordo::app
