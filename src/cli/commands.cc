#include "cli/commands.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "http/message.h"
#include "ordo/client/client.h"

namespace ordo::cli {
namespace {

using nlohmann::json;

std::string Env(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

int Usage(const std::string& message) {
  std::fprintf(stderr, "ordo: error: %s\n", message.c_str());
  return 2;
}

// `name=value`: the value is JSON when it parses as JSON (numbers, true, {"a":1}), else a string.
bool ParseVariables(const std::vector<std::string>& vars, json* out, std::string* error) {
  *out = json::object();
  for (const std::string& v : vars) {
    const std::size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0) {
      *error = "--var takes NAME=VALUE, got '" + v + "'";
      return false;
    }
    const std::string value = v.substr(eq + 1);
    json parsed = json::parse(value, nullptr, false);
    (*out)[v.substr(0, eq)] = parsed.is_discarded() ? json(value) : parsed;
  }
  return true;
}

// Prints a 2xx body (pretty JSON) or the problem detail; returns the exit code.
int Report(const Result<client::HttpResult>& r) {
  if (!r) return Usage(r.error().detail);
  const json body = json::parse(r->body, nullptr, false);
  if (r->ok()) {
    if (!r->body.empty()) std::cout << (body.is_discarded() ? r->body : body.dump(2)) << "\n";
    return 0;
  }
  const std::string detail =
      body.is_object() && body.contains("detail") && body["detail"].is_string()
          ? body["detail"].get<std::string>()
          : r->body;
  std::fprintf(stderr, "ordo: error: %d: %s\n", r->status, detail.c_str());
  return 1;
}

}  // namespace

bool IsClientCommand(const std::string& command) {
  return command == "access" || command == "deploy" || command == "start" || command == "tasks" ||
         command == "complete";
}

int RunClientCommand(const std::string& command, const std::vector<std::string>& args) {
  CLI::App app("ordo " + command +
                   ": talk to a running Ordo server (ORDO_URL, ORDO_ACCESS_KEY, "
                   "ORDO_SECRET_KEY)",
               "ordo " + command);
  app.require_subcommand(command == "access" ? 1 : 0, 1);
  std::string name, right, expires_at, key, file, business_key, user, assignee, task;
  std::vector<std::string> vars;
  int grace = 0;
  CLI::App* create = nullptr;
  CLI::App* list = nullptr;
  CLI::App* get = nullptr;
  CLI::App* regenerate = nullptr;
  CLI::App* remove = nullptr;
  if (command == "access") {
    create = app.add_subcommand("create", "create a REST access; prints its secret once");
    create->add_option("--name", name, "name (1 to 100 characters)")->required();
    create->add_option("--right", right, "reader | operator | designer | admin")->required();
    create->add_option("--expires-at", expires_at, "RFC 3339 time");
    list = app.add_subcommand("list", "list REST accesses");
    get = app.add_subcommand("get", "show one access");
    get->add_option("KEY", key, "access key")->required();
    regenerate = app.add_subcommand("regenerate", "new secret; prints it once");
    regenerate->add_option("KEY", key, "access key")->required();
    regenerate->add_option("--grace", grace, "seconds the old secret keeps working (max 604800)");
    remove = app.add_subcommand("delete", "delete an access");
    remove->add_option("KEY", key, "access key")->required();
  } else if (command == "deploy") {
    app.add_option("FILE", file, "BPMN 2.0 XML file")->required();
  } else if (command == "start") {
    app.add_option("KEY", key, "process key (the BPMN process id)")->required();
    app.add_option("--var", vars, "variable NAME=VALUE (VALUE as JSON when it parses)");
    app.add_option("--business-key", business_key, "business key");
  } else if (command == "tasks") {
    app.add_option("--assignee", assignee, "only tasks assigned to this user");
  } else if (command == "complete") {
    app.add_option("TASK", task, "task id")->required();
    app.add_option("--var", vars, "variable NAME=VALUE (VALUE as JSON when it parses)");
    app.add_option("--user", user, "complete on behalf of this user");
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    return Usage(e.what());
  }

  client::Client c(client::ClientOptions{.base_url = Env("ORDO_URL", "http://127.0.0.1:8080"),
                                         .access_key = Env("ORDO_ACCESS_KEY"),
                                         .secret_key = Env("ORDO_SECRET_KEY")});
  const std::string encoded_key = http::PercentEncode(key);
  if (command == "access") {
    if (create->parsed()) {
      json body = {{"name", name}, {"right", right}};
      if (!expires_at.empty()) body["expiresAt"] = expires_at;
      return Report(c.Send("POST", "/api/v1/accesses", body.dump()));
    }
    if (list->parsed()) return Report(c.Send("GET", "/api/v1/accesses?limit=500"));
    if (get->parsed()) return Report(c.Send("GET", "/api/v1/accesses/" + encoded_key));
    if (regenerate->parsed()) {
      return Report(c.Send("POST", "/api/v1/accesses/" + encoded_key + "/secret",
                           json{{"previousSecretValidFor", grace}}.dump()));
    }
    return Report(c.Send("DELETE", "/api/v1/accesses/" + encoded_key));
  }
  if (command == "deploy") {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Usage("cannot read " + file);
    std::stringstream xml;
    xml << in.rdbuf();
    return Report(c.Send("POST", "/api/v1/process-definitions", xml.str(), "application/xml"));
  }
  json variables;
  std::string error;
  if (!ParseVariables(vars, &variables, &error)) return Usage(error);
  if (command == "start") {
    json body = {{"variables", variables}};
    if (!business_key.empty()) body["businessKey"] = business_key;
    return Report(
        c.Send("POST", "/api/v1/process-definitions/key/" + encoded_key + "/start", body.dump()));
  }
  if (command == "tasks") {
    return Report(c.Send(
        "GET",
        "/api/v1/tasks" + (assignee.empty() ? "" : "?assignee=" + http::PercentEncode(assignee))));
  }
  json body = {{"variables", variables}};
  if (!user.empty()) body["user"] = user;
  return Report(
      c.Send("POST", "/api/v1/tasks/" + http::PercentEncode(task) + "/complete", body.dump()));
}

}  // namespace ordo::cli
