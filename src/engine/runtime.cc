#include "engine/runtime.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/time_ordered_id.h"

namespace ordo::engine {

using nlohmann::json;

Execution::Execution(const Definition& definition, InstanceRecord& instance, long long now,
                     std::string actor, int step_budget)
    : definition_(definition),
      instance_(instance),
      now_(now),
      actor_(std::move(actor)),
      step_budget_(step_budget) {}

void Execution::Start() {
  const Element* start = definition_.FindElement(definition_.start_event);
  if (start != nullptr && !start->initiator_variable.empty()) {
    instance_.variables[start->initiator_variable] = instance_.started_by;
  }
  agenda_.push_back(Token{definition_.start_event, "", "", ""});
  Run();
}

Status Execution::CompleteTask(const std::string& task_id, const json& variables) {
  if (instance_.state != kInstanceActive) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("the process instance is {}", instance_.state), "instance-not-active");
  }
  auto it = std::find_if(instance_.tokens.begin(), instance_.tokens.end(),
                         [&](const Token& t) { return t.task_id == task_id; });
  if (it == instance_.tokens.end()) {
    return Fail(ErrorCode::kFailedPrecondition, "the task is no longer active in its instance",
                "task-not-active");
  }
  Token token = *it;
  instance_.tokens.erase(it);
  if (variables.is_object()) {
    for (auto& [name, value] : variables.items()) instance_.variables[name] = value;
  }
  const Element* element = definition_.FindElement(token.element_id);
  Leave(token);
  if (element != nullptr) TakeAll(*element);
  Run();
  return {};
}

void Execution::Cancel() { Terminate(kInstanceCancelled); }

void Execution::Run() {
  while (next_ < agenda_.size() && instance_.state == kInstanceActive) {
    if (++steps_ > step_budget_) {
      const std::string element = agenda_[next_].element_id;
      // Keep the unexecuted tokens so that the instance shows where it stopped.
      for (; next_ < agenda_.size(); ++next_) instance_.tokens.push_back(agenda_[next_]);
      Raise(element, fmt::format("step budget of {} exceeded without reaching a wait state "
                                 "(endless loop?)",
                                 step_budget_));
      return;
    }
    Token token = agenda_[next_++];
    Execute(std::move(token));
  }
  if (instance_.state == kInstanceFailed) {
    for (; next_ < agenda_.size(); ++next_) instance_.tokens.push_back(agenda_[next_]);
  }
  agenda_.clear();
  next_ = 0;
  if (instance_.state == kInstanceActive && instance_.tokens.empty()) {
    instance_.state = kInstanceCompleted;
    instance_.ended_at = now_;
  }
}

void Execution::Execute(Token token) {
  const Element* element = definition_.FindElement(token.element_id);
  if (element == nullptr) {
    instance_.tokens.push_back(token);
    Raise(token.element_id, "the element does not exist in the definition");
    return;
  }
  switch (element->type) {
    case ElementType::kStartEvent:
    case ElementType::kTask:
      Enter(token, *element);
      Leave(token);
      TakeAll(*element);
      return;
    case ElementType::kEndEvent:
      Enter(token, *element);
      Leave(token);
      return;
    case ElementType::kTerminateEndEvent:
      Enter(token, *element);
      Leave(token);
      Terminate(kInstanceCompleted);
      return;
    case ElementType::kUserTask:
      Enter(token, *element);
      CreateUserTask(token, *element);
      return;
    case ElementType::kExternalTask:
      Enter(token, *element);
      CreateExternalTask(token, *element);
      return;
    case ElementType::kExclusiveGateway:
      Enter(token, *element);
      ExecuteExclusive(token, *element);
      return;
    case ElementType::kParallelGateway:
      ExecuteParallel(std::move(token), *element);
      return;
  }
}

void Execution::Enter(Token& token, const Element& element) {
  HistoryRecord h;
  h.id = TimeOrderedId();
  h.instance_id = instance_.id;
  h.seq = instance_.next_seq++;
  h.activity_id = element.id;
  h.activity_type = element.tag;
  h.started_at = now_;
  token.history_id = h.id;
  new_history.push_back(std::move(h));
}

void Execution::Leave(Token& token) {
  if (token.history_id.empty()) return;
  for (HistoryRecord& h : new_history) {
    if (h.id == token.history_id) {
      h.ended_at = now_;
      h.actor = actor_;
      token.history_id.clear();
      return;
    }
  }
  closed_history.push_back(HistoryClose{token.history_id, now_, actor_});
  token.history_id.clear();
}

void Execution::TakeFlow(const std::string& flow_id) {
  const SequenceFlow* flow = definition_.FindFlow(flow_id);
  if (flow == nullptr) return;
  agenda_.push_back(Token{flow->target, flow_id, "", ""});
}

void Execution::TakeAll(const Element& element) {
  // No outgoing flow: the path ends here (BPMN's implicit end).
  for (const std::string& f : element.outgoing) TakeFlow(f);
}

void Execution::ExecuteExclusive(Token& token, const Element& element) {
  for (const std::string& flow_id : element.outgoing) {
    if (flow_id == element.default_flow) continue;
    const SequenceFlow* flow = definition_.FindFlow(flow_id);
    if (flow == nullptr) continue;
    if (!flow->condition) {  // the only outgoing flow, unconditional
      Leave(token);
      TakeFlow(flow_id);
      return;
    }
    auto value = Eval(*flow->condition);
    if (!value) {
      instance_.tokens.push_back(token);
      Raise(element.id, fmt::format("condition of sequence flow '{}' failed: {}", flow_id,
                                    value.error().detail));
      return;
    }
    if (!value->is_boolean()) {
      instance_.tokens.push_back(token);
      Raise(element.id, fmt::format("condition of sequence flow '{}' gave {} instead of a boolean",
                                    flow_id, value->dump()));
      return;
    }
    if (value->get<bool>()) {
      Leave(token);
      TakeFlow(flow_id);
      return;
    }
  }
  if (!element.default_flow.empty()) {
    Leave(token);
    TakeFlow(element.default_flow);
    return;
  }
  instance_.tokens.push_back(token);
  Raise(element.id,
        "no condition of the gateway's outgoing flows is true and it has no "
        "default flow");
}

void Execution::ExecuteParallel(Token token, const Element& element) {
  if (element.incoming.size() > 1) {
    // Join: wait until a token has arrived through every incoming flow.
    instance_.tokens.push_back(token);
    std::vector<std::size_t> picked;
    for (const std::string& in : element.incoming) {
      bool found = false;
      for (std::size_t i = 0; i < instance_.tokens.size(); ++i) {
        const Token& t = instance_.tokens[i];
        if (t.element_id == element.id && t.via_flow == in &&
            std::find(picked.begin(), picked.end(), i) == picked.end()) {
          picked.push_back(i);
          found = true;
          break;
        }
      }
      if (!found) return;
    }
    std::sort(picked.rbegin(), picked.rend());
    for (std::size_t i : picked) {
      instance_.tokens.erase(instance_.tokens.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  Token fired{element.id, "", "", ""};
  Enter(fired, element);
  Leave(fired);
  TakeAll(element);
}

namespace {

// Candidate lists: an array of strings, or a comma-separated string.
Result<std::vector<std::string>> ToNames(const json& value, const char* what) {
  std::vector<std::string> out;
  auto add = [&](std::string name) {
    std::size_t b = name.find_first_not_of(" \t\r\n");
    std::size_t e = name.find_last_not_of(" \t\r\n");
    if (b == std::string::npos) return;
    name = name.substr(b, e - b + 1);
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  };
  if (value.is_null()) return out;
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    std::size_t start = 0;
    while (true) {
      std::size_t comma = s.find(',', start);
      add(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }
  if (value.is_array()) {
    for (const json& v : value) {
      if (!v.is_string()) {
        return Fail(ErrorCode::kFailedPrecondition,
                    fmt::format("{} must be strings, got {}", what, v.dump()));
      }
      add(v.get<std::string>());
    }
    return out;
  }
  return Fail(ErrorCode::kFailedPrecondition,
              fmt::format("{} must be a string or a list of strings, got {}", what, value.dump()));
}

}  // namespace

void Execution::CreateUserTask(Token& token, const Element& element) {
  UserTaskRecord task;
  task.id = TimeOrderedId();
  task.instance_id = instance_.id;
  task.definition_key = instance_.definition_key;
  task.activity_id = element.id;
  task.name = element.name;
  task.created_at = now_;
  task.priority = element.priority;
  auto fail = [&](const std::string& message) {
    instance_.tokens.push_back(token);
    Raise(element.id, message);
  };
  if (element.assignee) {
    auto v = Eval(*element.assignee);
    if (!v) return fail("assignee: " + v.error().detail);
    if (v->is_string()) {
      if (!v->get_ref<const std::string&>().empty()) task.assignee = v->get<std::string>();
    } else if (!v->is_null()) {
      return fail(fmt::format("assignee must be a string, got {}", v->dump()));
    }
  }
  for (auto [expr, out, what] :
       {std::tuple{&element.candidate_users, &task.candidate_users, "candidate users"},
        std::tuple{&element.candidate_groups, &task.candidate_groups, "candidate groups"}}) {
    if (!*expr) continue;
    auto v = Eval(**expr);
    if (!v) return fail(std::string(what) + ": " + v.error().detail);
    auto names = ToNames(*v, what);
    if (!names) return fail(names.error().detail);
    *out = std::move(*names);
  }
  token.task_id = task.id;
  instance_.tokens.push_back(token);
  new_user_tasks.push_back(std::move(task));
}

void Execution::CreateExternalTask(Token& token, const Element& element) {
  ExternalTaskRecord task;
  task.id = TimeOrderedId();
  task.instance_id = instance_.id;
  task.definition_key = instance_.definition_key;
  task.activity_id = element.id;
  task.topic = element.topic;
  task.created_at = now_;
  task.priority = element.priority;
  token.task_id = task.id;
  instance_.tokens.push_back(token);
  new_external_tasks.push_back(std::move(task));
}

void Execution::CloseWaitingTask(const Token& token, const std::string& state) {
  if (token.task_id.empty()) return;
  const Element* element = definition_.FindElement(token.element_id);
  bool external = element != nullptr && element->type == ElementType::kExternalTask;
  // A task created in this very call is not written yet: it is inserted already closed.
  if (external) {
    auto it = std::find_if(new_external_tasks.begin(), new_external_tasks.end(),
                           [&](const ExternalTaskRecord& t) { return t.id == token.task_id; });
    if (it != new_external_tasks.end()) {
      it->state = state;
    } else {
      closed_external_tasks.push_back(ClosedTask{token.task_id, state, actor_});
    }
  } else {
    auto it = std::find_if(new_user_tasks.begin(), new_user_tasks.end(),
                           [&](const UserTaskRecord& t) { return t.id == token.task_id; });
    if (it != new_user_tasks.end()) {
      it->state = state;
      it->ended_at = now_;
    } else {
      closed_user_tasks.push_back(ClosedTask{token.task_id, state, actor_});
    }
  }
}

void Execution::Terminate(const std::string& final_state) {
  for (Token& t : instance_.tokens) {
    CloseWaitingTask(t, kTaskCancelled);
    Leave(t);
  }
  instance_.tokens.clear();
  // Tokens still on the agenda never entered their element.
  next_ = agenda_.size();
  instance_.state = final_state;
  instance_.ended_at = now_;
}

void Execution::Raise(const std::string& activity_id, const std::string& message) {
  IncidentRecord incident;
  incident.id = TimeOrderedId();
  incident.instance_id = instance_.id;
  incident.activity_id = activity_id;
  incident.message = message;
  incident.created_at = now_;
  incidents.push_back(std::move(incident));
  // The instance stops: its tasks can no longer be worked, the tokens stay for diagnosis.
  for (Token& t : instance_.tokens) {
    CloseWaitingTask(t, kTaskCancelled);
    t.task_id.clear();  // nothing waits on that task any more (a later cancel must not close it)
  }
  instance_.state = kInstanceFailed;
  instance_.ended_at = now_;
}

Result<json> Execution::Eval(const Expression& expression) const {
  Scope scope;
  scope.variables = &instance_.variables;
  scope.initiator = instance_.started_by;
  return expression.Evaluate(scope);
}

std::vector<std::string> ActiveActivityIds(const InstanceRecord& instance) {
  std::vector<std::string> out;
  for (const Token& t : instance.tokens) {
    if (std::find(out.begin(), out.end(), t.element_id) == out.end()) out.push_back(t.element_id);
  }
  return out;
}

}  // namespace ordo::engine
