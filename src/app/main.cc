// `ordo`: the server (`ordo serve`) and, later, client subcommands over the REST API.

#include <cstdio>
#include <string>
#include <vector>

#include "app/db_copy.h"
#include "app/serve.h"
#include "cli/commands.h"

namespace {

constexpr const char* kUsage =
    "usage: ordo <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve      run the Ordo server (ordo serve --help for its options)\n"
    "  access     create | list | get | regenerate | delete REST accesses\n"
    "  deploy     deploy a BPMN file\n"
    "  start      start an instance of a process: start KEY --var name=value\n"
    "  tasks      list open user tasks\n"
    "  complete   complete a user task: complete TASK --var name=value\n"
    "  db copy    copy a SQLite installation into PostgreSQL (ordo db --help)\n"
    "  version    print the version\n"
    "\n"
    "Client commands read ORDO_URL (default http://127.0.0.1:8080), ORDO_ACCESS_KEY and\n"
    "ORDO_SECRET_KEY, fetch a token once and renew it before it expires.\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "serve") return ordo::app::RunServe(args);
  if (ordo::cli::IsClientCommand(command)) return ordo::cli::RunClientCommand(command, args);
  if (command == "db") return ordo::app::RunDb(args);
  if (command == "version" || command == "--version") {
    std::printf("ordo %s\n", ORDO_VERSION);
    return 0;
  }
  std::fprintf(stderr, "ordo: error: unknown command '%s' (try: ordo --help)\n", command.c_str());
  return 2;
}
