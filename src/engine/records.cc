#include "engine/records.h"

#include <algorithm>

namespace ordo::engine {

using nlohmann::json;

json TokensToJson(const InstanceRecord& instance) {
  json tokens = json::array();
  for (const Token& t : instance.tokens) {
    json j = {{"element", t.element_id}};
    if (!t.via_flow.empty()) j["via"] = t.via_flow;
    if (!t.task_id.empty()) j["task"] = t.task_id;
    if (!t.history_id.empty()) j["history"] = t.history_id;
    tokens.push_back(std::move(j));
  }
  return json{{"tokens", std::move(tokens)}, {"nextSeq", instance.next_seq}};
}

Status TokensFromJson(const std::string& text, InstanceRecord* instance) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("tokens") || !j["tokens"].is_array()) {
    return Fail(ErrorCode::kInternal, "corrupt instance state");
  }
  instance->tokens.clear();
  for (const json& t : j["tokens"]) {
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

bool IsVisible(const UserTaskRecord& task, const Visibility& who) {
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

std::string EncodeCursor(const std::vector<std::string>& parts) {
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

Result<std::vector<std::string>> DecodeCursor(const std::string& cursor, std::size_t parts) {
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
