#pragma once
// The engine's persistent state as plain data: what the repositories store and load. Times
// are Unix milliseconds (the stores' representation). No behaviour here beyond small helpers,
// kept inline so that the SQL repository in src/store needs only this header.

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace ordo::engine {

inline constexpr const char* kInstanceActive = "active";
inline constexpr const char* kInstanceCompleted = "completed";
inline constexpr const char* kInstanceCancelled = "cancelled";
inline constexpr const char* kInstanceFailed = "failed";

inline constexpr const char* kTaskOpen = "open";
inline constexpr const char* kTaskCompleted = "completed";
inline constexpr const char* kTaskCancelled = "cancelled";

struct DefinitionRecord {
  std::string id;
  std::string key;  // BPMN process id
  int version = 0;
  std::string name;
  std::string xml;  // as deployed; may be empty in list results
  long long deployed_at = 0;
  std::string deployed_by;
  bool deleted = false;
};

// Where an instance is: one token per active path. A token at a wait state points to the task
// it waits on; a token waiting at a parallel join remembers the flow it came through.
struct Token {
  std::string element_id;
  std::string via_flow;
  std::string task_id;     // user or external task it waits on
  std::string history_id;  // open history entry of the element it is in
};

struct InstanceRecord {
  std::string id;
  std::string definition_id;
  std::string definition_key;
  int definition_version = 0;
  std::optional<std::string> business_key;
  std::string state = kInstanceActive;
  long long started_at = 0;
  std::string started_by;
  std::optional<long long> ended_at;
  nlohmann::json variables = nlohmann::json::object();
  std::vector<Token> tokens;
  long long next_seq = 1;     // next history sequence number
  long long row_version = 0;  // optimistic concurrency: bumped by every update

  bool Ended() const { return state == kInstanceCompleted || state == kInstanceCancelled; }
};

// Runtime state (tokens, history counter) as one JSON document, so that the instance row is
// updated as one unit under its version check.

struct UserTaskRecord {
  std::string id;
  std::string instance_id;
  std::string definition_key;
  std::string activity_id;
  std::string name;
  std::optional<std::string> assignee;
  std::vector<std::string> candidate_users;
  std::vector<std::string> candidate_groups;
  long long created_at = 0;
  int priority = 50;
  std::string state = kTaskOpen;
  std::optional<long long> ended_at;
  std::optional<std::string> completed_by;
};

struct ExternalTaskRecord {
  std::string id;
  std::string instance_id;
  std::string definition_key;
  std::string activity_id;
  std::string topic;
  std::string state = kTaskOpen;
  std::optional<std::string> worker_id;
  std::optional<long long> lock_expires_at;
  std::optional<int> retries;  // null until the first failure report
  std::optional<std::string> error_message;
  long long retry_at = 0;  // not fetchable before
  long long created_at = 0;
  int priority = 50;
};

struct IncidentRecord {
  std::string id;
  std::string instance_id;
  std::string activity_id;
  std::string message;
  long long created_at = 0;
};

struct HistoryRecord {
  std::string id;
  std::string instance_id;
  long long seq = 0;
  std::string activity_id;
  std::string activity_type;
  long long started_at = 0;
  std::optional<long long> ended_at;
  std::optional<std::string> actor;
};

// ---- queries ----

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

struct PageRequest {
  int limit = kDefaultPageSize;
  std::string cursor;  // opaque, from a previous page's next_cursor
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
};

struct DefinitionFilter {
  std::optional<std::string> key;
  bool all_versions = false;
};

struct InstanceFilter {
  std::optional<std::string> definition_key;
  std::optional<std::string> state;
  std::optional<std::string> business_key;
};

// Who may see a task: the assignee, a candidate user, or a member of a candidate group.
struct Visibility {
  std::string user;
  std::vector<std::string> groups;
};

struct TaskQuery {
  std::optional<std::string> instance_id;
  std::optional<std::string> assignee;
  std::optional<std::string> definition_key;
  std::optional<std::string> candidate_group;
  // candidateUser: matches the user directly or through one of `candidate_user_groups`.
  std::optional<std::string> candidate_user;
  std::vector<std::string> candidate_user_groups;
  // Set for callers who may see only their own tasks (assignee, candidate user or group).
  std::optional<Visibility> visible_to;
};

// ---- helpers ----

inline nlohmann::json TokensToJson(const InstanceRecord& instance) {
  nlohmann::json tokens = nlohmann::json::array();
  for (const Token& t : instance.tokens) {
    nlohmann::json j = {{"element", t.element_id}};
    if (!t.via_flow.empty()) j["via"] = t.via_flow;
    if (!t.task_id.empty()) j["task"] = t.task_id;
    if (!t.history_id.empty()) j["history"] = t.history_id;
    tokens.push_back(std::move(j));
  }
  return nlohmann::json{{"tokens", std::move(tokens)}, {"nextSeq", instance.next_seq}};
}

inline Status TokensFromJson(const std::string& text, InstanceRecord* instance) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("tokens") || !j["tokens"].is_array()) {
    return Fail(ErrorCode::kInternal, "corrupt instance state");
  }
  instance->tokens.clear();
  for (const nlohmann::json& t : j["tokens"]) {
    Token token;
    token.element_id = t.value("element", "");
    token.via_flow = t.value("via", "");
    token.task_id = t.value("task", "");
    token.history_id = t.value("history", "");
    instance->tokens.push_back(std::move(token));
  }
  instance->next_seq = j.value("nextSeq", 1LL);
  return {};
}

inline bool IsVisible(const UserTaskRecord& task, const Visibility& who) {
  if (task.assignee && *task.assignee == who.user) return true;
  if (std::find(task.candidate_users.begin(), task.candidate_users.end(), who.user) !=
      task.candidate_users.end()) {
    return true;
  }
  for (const std::string& g : who.groups) {
    if (std::find(task.candidate_groups.begin(), task.candidate_groups.end(), g) !=
        task.candidate_groups.end()) {
      return true;
    }
  }
  return false;
}

// Keyset cursors: the sort key of the last item, hex-encoded so that it is opaque and safe in
// a query string.
inline std::string EncodeCursor(const std::vector<std::string>& parts) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string joined;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) joined += '\n';
    joined += parts[i];
  }
  std::string out;
  for (unsigned char c : joined) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

inline Result<std::vector<std::string>> DecodeCursor(const std::string& cursor, std::size_t parts) {
  auto bad = [] { return Fail(ErrorCode::kInvalidArgument, "invalid cursor"); };
  if (cursor.size() % 2 != 0 || cursor.size() > 2048) return bad();
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string joined;
  for (std::size_t i = 0; i < cursor.size(); i += 2) {
    int hi = nibble(cursor[i]), lo = nibble(cursor[i + 1]);
    if (hi < 0 || lo < 0) return bad();
    joined += static_cast<char>(hi << 4 | lo);
  }
  std::vector<std::string> out(1);
  for (char c : joined) {
    if (c == '\n') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  if (out.size() != parts) return bad();
  return out;
}

}  // namespace ordo::engine
