// `ordo`: the server (`ordo serve`) and, later, client subcommands over the REST API.

#include <cstdio>
#include <string>
#include <vector>

#include "app/serve.h"

namespace {

constexpr const char* kUsage =
    "usage: ordo <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve      run the Ordo server (ordo serve --help for its options)\n"
    "  version    print the version\n";

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
  if (command == "version" || command == "--version") {
    std::printf("ordo %s\n", ORDO_VERSION);
    return 0;
  }
  std::fprintf(stderr, "ordo: error: unknown command '%s' (try: ordo --help)\n", command.c_str());
  return 2;
}
