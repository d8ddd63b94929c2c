#pragma once
// The executable model of one BPMN process: what the parser produces and the runtime walks.
// A Definition is immutable once built and shared (std::shared_ptr<const Definition>) by every
// instance that runs on it, so it is safe to read from any thread.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/expression.h"

namespace ordo::engine {

enum class ElementType {
  kStartEvent,         // none start event
  kEndEvent,           // none end event
  kTerminateEndEvent,  // end event with terminateEventDefinition
  kTask,               // task, manualTask, none intermediate throw event: pass through
  kUserTask,
  kExternalTask,  // serviceTask (or sendTask) worked by an external worker
  kExclusiveGateway,
  kParallelGateway,
};

// The BPMN tag name of a type ("userTask"), used in history as `activityType`.
std::string_view ElementTypeName(ElementType type);

struct SequenceFlow {
  std::string id;
  std::string source;
  std::string target;
  std::optional<Expression> condition;
};

struct Element {
  std::string id;
  std::string name;
  ElementType type = ElementType::kTask;
  std::string tag;                    // the BPMN tag it came from ("manualTask"), for history
  std::vector<std::string> incoming;  // flow ids, document order
  std::vector<std::string> outgoing;  // flow ids, document order
  std::string default_flow;           // exclusive gateway: flow taken when no condition holds

  // User task.
  std::optional<Expression> assignee;
  std::optional<Expression> candidate_users;  // evaluates to "a, b" or an array
  std::optional<Expression> candidate_groups;
  int priority = 50;

  // External task.
  std::string topic;
  bool async_before = false;  // accepted; every API call is already one transaction

  // None start event: camunda:initiator, the variable that receives the starter's name.
  std::string initiator_variable;
};

struct Definition {
  std::string key;   // the BPMN process id
  std::string name;  // process name, may be empty
  std::string start_event;
  std::map<std::string, Element, std::less<>> elements;
  std::map<std::string, SequenceFlow, std::less<>> flows;

  const Element* FindElement(std::string_view id) const {
    auto it = elements.find(id);
    return it == elements.end() ? nullptr : &it->second;
  }
  const SequenceFlow* FindFlow(std::string_view id) const {
    auto it = flows.find(id);
    return it == flows.end() ? nullptr : &it->second;
  }
};

using DefinitionPtr = std::shared_ptr<const Definition>;

}  // namespace ordo::engine
