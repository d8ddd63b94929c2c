#include "engine/bpmn_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <pugixml.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace ordo::engine {

std::string_view ElementTypeName(ElementType type) {
  switch (type) {
    case ElementType::kStartEvent:
      return "startEvent";
    case ElementType::kEndEvent:
    case ElementType::kTerminateEndEvent:  // a terminate end event is an endEvent in BPMN
      return "endEvent";
    case ElementType::kTask:
      return "task";
    case ElementType::kUserTask:
      return "userTask";
    case ElementType::kExternalTask:
      return "serviceTask";
    case ElementType::kExclusiveGateway:
      return "exclusiveGateway";
    case ElementType::kParallelGateway:
      return "parallelGateway";
  }
  return "task";
}

namespace {

constexpr std::string_view kBpmnNs = "http://www.omg.org/spec/BPMN/20100524/MODEL";
constexpr std::string_view kCamundaNs = "http://camunda.org/schema/1.0/bpmn";
constexpr std::string_view kZeebeNs = "http://camunda.org/schema/zeebe/1.0";

std::unexpected<Error> Refuse(std::string detail) {
  return Fail(ErrorCode::kUnprocessable, std::move(detail), "unprocessable-bpmn");
}

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// pugixml does not process namespaces: resolve a prefix by walking the xmlns declarations in
// scope, as XML Namespaces 1.0 does.
std::string NamespaceOf(pugi::xml_node node, std::string_view prefix) {
  std::string attr = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    if (pugi::xml_attribute a = n.attribute(attr.c_str())) return a.value();
  }
  return {};
}

struct QName {
  std::string ns;
  std::string local;
};

QName ElementName(pugi::xml_node node) {
  std::string_view name = node.name();
  std::size_t colon = name.find(':');
  if (colon == std::string_view::npos) return {NamespaceOf(node, ""), std::string(name)};
  return {NamespaceOf(node, name.substr(0, colon)), std::string(name.substr(colon + 1))};
}

bool IsBpmn(pugi::xml_node node, std::string_view local) {
  QName q = ElementName(node);
  return q.ns == kBpmnNs && q.local == local;
}

// An attribute in namespace `ns` ("" = unprefixed).
std::optional<std::string> Attr(pugi::xml_node node, std::string_view ns, std::string_view local) {
  for (pugi::xml_attribute a : node.attributes()) {
    std::string_view name = a.name();
    std::size_t colon = name.find(':');
    if (colon == std::string_view::npos) {
      if (ns.empty() && name == local) return std::string(a.value());
      continue;
    }
    std::string_view prefix = name.substr(0, colon);
    if (prefix == "xmlns" || name.substr(colon + 1) != local) continue;
    if (!ns.empty() && NamespaceOf(node, prefix) == ns) return std::string(a.value());
  }
  return std::nullopt;
}

std::string Text(pugi::xml_node node) {
  std::string out;
  for (pugi::xml_node c : node.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  }
  return out;
}

class BpmnParser {
 public:
  explicit BpmnParser(const ParseOptions& options) : options_(options) {}

  Result<DefinitionPtr> Parse(std::string_view xml) {
    if (xml.size() > options_.max_bytes) {
      return Refuse(
          fmt::format("the file is larger than the limit of {} bytes", options_.max_bytes));
    }
    pugi::xml_document doc;
    // parse_doctype keeps a DOCTYPE node so that we can refuse it; entities are never
    // expanded by pugixml (only the five predefined ones and character references).
    unsigned flags = pugi::parse_default | pugi::parse_doctype;
    pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size(), flags);
    if (!parsed) {
      return Refuse(
          fmt::format("not well-formed XML: {} at byte {}", parsed.description(), parsed.offset));
    }
    for (pugi::xml_node n : doc.children()) {
      if (n.type() == pugi::node_doctype) {
        return Refuse("DOCTYPE declarations are not allowed in BPMN files");
      }
    }
    pugi::xml_node root = doc.document_element();
    if (!root || !IsBpmn(root, "definitions")) {
      return Refuse("the root element is not a BPMN 2.0 <definitions> element");
    }
    std::vector<pugi::xml_node> processes;
    for (pugi::xml_node n : root.children()) {
      if (n.type() != pugi::node_element || !IsBpmn(n, "process")) continue;
      if (Attr(n, "", "isExecutable").value_or("true") == "false") continue;
      processes.push_back(n);
    }
    if (processes.empty()) {
      return Refuse("the file has no executable process (isExecutable=\"true\")");
    }
    if (processes.size() > 1) {
      return Refuse(
          fmt::format("the file has {} executable processes ('{}', '{}'...); Ordo deploys "
                      "one executable process per file",
                      processes.size(), Attr(processes[0], "", "id").value_or(""),
                      Attr(processes[1], "", "id").value_or("")));
    }
    return ParseProcess(processes[0]);
  }

 private:
  Result<DefinitionPtr> ParseProcess(pugi::xml_node process) {
    auto def = std::make_shared<Definition>();
    def->key = Trim(Attr(process, "", "id").value_or(""));
    if (def->key.empty()) return Refuse("the executable <process> has no id");
    if (def->key.size() > 255) return Refuse("the process id is longer than 255 characters");
    def->name = Attr(process, "", "name").value_or("");
    ids_.insert(def->key);

    std::vector<std::string> flow_order;
    for (pugi::xml_node child : process.children()) {
      if (child.type() != pugi::node_element) continue;
      QName q = ElementName(child);
      if (q.ns != kBpmnNs) continue;  // foreign content has no runtime meaning
      if (std::ranges::find(kIgnored, q.local) != kIgnored.end()) continue;
      if (++count_ > options_.max_elements) {
        return Refuse(fmt::format("the process has more than {} elements", options_.max_elements));
      }
      auto id = Attr(child, "", "id");
      if (!id || Trim(*id).empty()) return Refuse(fmt::format("a <{}> has no id", q.local));
      if (!ids_.insert(*id).second) return Refuse(fmt::format("duplicate id '{}'", *id));
      if (q.local == "sequenceFlow") {
        auto flow = ParseFlow(child, *id);
        if (!flow) return Fail(flow.error());
        flow_order.push_back(*id);
        def->flows.emplace(*id, std::move(*flow));
        continue;
      }
      auto element = ParseElement(child, q.local, *id);
      if (!element) return Fail(element.error());
      def->elements.emplace(*id, std::move(*element));
    }
    if (auto st = Link(*def, flow_order); !st) return Fail(st.error());
    if (auto st = Validate(*def); !st) return Fail(st.error());
    return DefinitionPtr(std::move(def));
  }

  Result<SequenceFlow> ParseFlow(pugi::xml_node node, const std::string& id) {
    SequenceFlow flow;
    flow.id = id;
    flow.source = Attr(node, "", "sourceRef").value_or("");
    flow.target = Attr(node, "", "targetRef").value_or("");
    for (pugi::xml_node c : node.children()) {
      if (c.type() != pugi::node_element || !IsBpmn(c, "conditionExpression")) continue;
      std::string language = Attr(c, "", "language").value_or("");
      std::transform(language.begin(), language.end(), language.begin(),
                     [](unsigned char ch) { return std::tolower(ch); });
      if (!language.empty() && language != "juel" && language != "feel") {
        return Refuse(fmt::format("sequence flow '{}': condition language '{}' is not supported",
                                  id, language));
      }
      if (Attr(c, kCamundaNs, "resource")) {
        return Refuse(
            fmt::format("sequence flow '{}': external condition resources are not "
                        "supported",
                        id));
      }
      std::string text = Trim(Text(c));
      if (text.empty()) return Refuse(fmt::format("sequence flow '{}': empty condition", id));
      auto expr = Expression::Parse(text);
      if (!expr) {
        return Refuse(fmt::format("sequence flow '{}': {}", id, expr.error().detail));
      }
      flow.condition = std::move(*expr);
    }
    return flow;
  }

  Status ParseExpressionAttr(const std::string& id, const char* what,
                             std::optional<std::string> text, std::optional<Expression>* out) {
    if (!text || Trim(*text).empty()) return {};
    auto expr = Expression::Parse(Trim(*text));
    if (!expr) return Refuse(fmt::format("element '{}' {}: {}", id, what, expr.error().detail));
    *out = std::move(*expr);
    return {};
  }

  Result<Element> ParseElement(pugi::xml_node node, const std::string& tag, const std::string& id) {
    Element e;
    e.id = id;
    e.tag = tag;
    e.name = Attr(node, "", "name").value_or("");
    auto unsupported = [&](std::string why) {
      return Refuse(fmt::format("element '{}' ({}): {}", id, tag, why));
    };

    // Children that change semantics and that Ordo cannot honour.
    std::vector<std::string> event_definitions;
    for (pugi::xml_node c : node.children()) {
      if (c.type() != pugi::node_element) continue;
      QName q = ElementName(c);
      if (q.ns == kBpmnNs) {
        if (q.local.ends_with("EventDefinition") || q.local == "eventDefinitionRef") {
          event_definitions.push_back(q.local);
        } else if (q.local == "standardLoopCharacteristics" ||
                   q.local == "multiInstanceLoopCharacteristics") {
          return unsupported("loops and multi-instance are not supported");
        } else if (q.local == "humanPerformer" || q.local == "potentialOwner" ||
                   q.local == "performer") {
          return unsupported(
              "resource assignments are not supported; use camunda:assignee, "
              "camunda:candidateUsers or camunda:candidateGroups");
        }
      }
      if (q.ns == kBpmnNs && q.local == "extensionElements") {
        if (auto st = CheckExtensions(c, e, unsupported); !st) return Fail(st.error());
      }
    }
    for (const char* attr : {"class", "expression", "delegateExpression", "resultVariable"}) {
      if (Attr(node, kCamundaNs, attr)) {
        return unsupported(
            fmt::format("camunda:{} (Java code) is not supported; use "
                        "camunda:type=\"external\" with a topic",
                        attr));
      }
    }
    e.async_before = Attr(node, kCamundaNs, "asyncBefore").value_or("") == "true";

    if (tag == "startEvent") {
      if (!event_definitions.empty()) {
        return unsupported(
            fmt::format("only none start events are supported (found {})", event_definitions[0]));
      }
      e.type = ElementType::kStartEvent;
      if (auto v = Attr(node, kCamundaNs, "initiator")) e.initiator_variable = *v;
    } else if (tag == "endEvent") {
      if (event_definitions.empty()) {
        e.type = ElementType::kEndEvent;
      } else if (event_definitions.size() == 1 &&
                 event_definitions[0] == "terminateEventDefinition") {
        e.type = ElementType::kTerminateEndEvent;
      } else {
        return unsupported(
            fmt::format("only none and terminate end events are supported "
                        "(found {})",
                        event_definitions[0]));
      }
    } else if (!event_definitions.empty()) {
      return unsupported("event definitions are not supported here");
    } else if (tag == "task" || tag == "manualTask" || tag == "intermediateThrowEvent") {
      // A none intermediate event is a milestone: it passes straight through, like a task.
      e.type = ElementType::kTask;
    } else if (tag == "userTask") {
      e.type = ElementType::kUserTask;
      if (auto st =
              ParseExpressionAttr(id, "assignee", Attr(node, kCamundaNs, "assignee"), &e.assignee);
          !st)
        return Fail(st.error());
      if (auto st = ParseExpressionAttr(
              id, "candidateUsers", Attr(node, kCamundaNs, "candidateUsers"), &e.candidate_users);
          !st)
        return Fail(st.error());
      if (auto st =
              ParseExpressionAttr(id, "candidateGroups", Attr(node, kCamundaNs, "candidateGroups"),
                                  &e.candidate_groups);
          !st)
        return Fail(st.error());
      if (auto p = Attr(node, kCamundaNs, "priority")) {
        try {
          std::size_t used = 0;
          e.priority = std::stoi(*p, &used);
          if (used != p->size()) throw std::invalid_argument("trailing");
        } catch (const std::exception&) {
          return unsupported("camunda:priority must be an integer");
        }
      }
      if (auto st = ApplyZeebeAssignment(node, e); !st) return Fail(st.error());
    } else if (tag == "serviceTask" || tag == "sendTask" || tag == "businessRuleTask") {
      e.type = ElementType::kExternalTask;
      std::string type = Attr(node, kCamundaNs, "type").value_or("");
      if (type == "external") {
        e.topic = Trim(Attr(node, kCamundaNs, "topic").value_or(""));
      } else if (!type.empty()) {
        return unsupported(
            fmt::format("camunda:type=\"{}\" is not supported; use \"external\"", type));
      }
      if (e.topic.empty()) e.topic = ZeebeTaskType(node);
      if (e.topic.starts_with("=")) {
        return unsupported("dynamic task types (expressions) are not supported");
      }
      if (e.topic.empty()) {
        return unsupported(
            "only external tasks are supported: set camunda:type=\"external\" "
            "with camunda:topic, or zeebe:taskDefinition type");
      }
    } else if (tag == "exclusiveGateway") {
      e.type = ElementType::kExclusiveGateway;
      e.default_flow = Attr(node, "", "default").value_or("");
    } else if (tag == "parallelGateway") {
      e.type = ElementType::kParallelGateway;
      if (Attr(node, "", "default")) return unsupported("a parallel gateway has no default flow");
    } else {
      return unsupported("this element type is not supported by Ordo");
    }
    return e;
  }

  template <typename Unsupported>
  Status CheckExtensions(pugi::xml_node ext, Element&, Unsupported& unsupported) {
    for (pugi::xml_node c : ext.children()) {
      if (c.type() != pugi::node_element) continue;
      QName q = ElementName(c);
      if (q.ns != kCamundaNs && q.ns != kZeebeNs) continue;
      static const std::set<std::string, std::less<>> kRefused = {
          "inputOutput",    "executionListener",  "taskListener",       "connector",
          "script",         "ioMapping",          "executionListeners", "taskListeners",
          "calledDecision", "loopCharacteristics"};
      if (kRefused.contains(q.local)) {
        return Fail(unsupported(fmt::format("extension <{}> is not supported", q.local)).error());
      }
    }
    return {};
  }

  static pugi::xml_node ZeebeChild(pugi::xml_node node, std::string_view local) {
    for (pugi::xml_node c : node.children()) {
      if (c.type() != pugi::node_element || !IsBpmn(c, "extensionElements")) continue;
      for (pugi::xml_node z : c.children()) {
        if (z.type() != pugi::node_element) continue;
        QName q = ElementName(z);
        if (q.ns == kZeebeNs && q.local == local) return z;
      }
    }
    return {};
  }

  static std::string ZeebeTaskType(pugi::xml_node node) {
    pugi::xml_node def = ZeebeChild(node, "taskDefinition");
    return def ? Trim(Attr(def, "", "type").value_or("")) : std::string();
  }

  Status ApplyZeebeAssignment(pugi::xml_node node, Element& e) {
    pugi::xml_node a = ZeebeChild(node, "assignmentDefinition");
    if (!a) return {};
    if (!e.assignee) {
      if (auto st = ParseExpressionAttr(e.id, "assignee", Attr(a, "", "assignee"), &e.assignee);
          !st)
        return st;
    }
    if (!e.candidate_users) {
      if (auto st = ParseExpressionAttr(e.id, "candidateUsers", Attr(a, "", "candidateUsers"),
                                        &e.candidate_users);
          !st)
        return st;
    }
    if (!e.candidate_groups) {
      if (auto st = ParseExpressionAttr(e.id, "candidateGroups", Attr(a, "", "candidateGroups"),
                                        &e.candidate_groups);
          !st)
        return st;
    }
    return {};
  }

  Status Link(Definition& def, const std::vector<std::string>& flow_order) {
    for (const std::string& flow_id : flow_order) {
      SequenceFlow& f = def.flows.at(flow_id);
      for (const std::string* end : {&f.source, &f.target}) {
        if (end->empty()) {
          return Refuse(fmt::format("sequence flow '{}' has no {}", flow_id,
                                    end == &f.source ? "sourceRef" : "targetRef"));
        }
        if (!def.elements.contains(*end)) {
          return Refuse(
              fmt::format("sequence flow '{}' points to missing element '{}'", flow_id, *end));
        }
      }
      def.elements.at(f.source).outgoing.push_back(flow_id);
      def.elements.at(f.target).incoming.push_back(flow_id);
    }
    return {};
  }

  Status Validate(Definition& def) {
    std::vector<std::string> starts;
    for (auto& entry : def.elements) {
      // Plain references, not a structured binding: clang-tidy's analyzer takes a binding
      // captured by the lambda for an uninitialized value.
      const std::string& id = entry.first;
      auto& e = entry.second;
      auto refuse = [&](std::string why) {
        return Refuse(fmt::format("element '{}' ({}): {}", id, e.tag, why));
      };
      switch (e.type) {
        case ElementType::kStartEvent:
          starts.push_back(id);
          if (!e.incoming.empty()) return refuse("a start event cannot have incoming flows");
          break;
        case ElementType::kEndEvent:
        case ElementType::kTerminateEndEvent:
          if (!e.outgoing.empty()) return refuse("an end event cannot have outgoing flows");
          break;
        case ElementType::kExclusiveGateway: {
          if (e.incoming.empty()) return refuse("a gateway needs at least one incoming flow");
          if (e.outgoing.empty()) return refuse("a gateway needs at least one outgoing flow");
          if (!e.default_flow.empty()) {
            if (std::find(e.outgoing.begin(), e.outgoing.end(), e.default_flow) ==
                e.outgoing.end()) {
              return refuse(fmt::format("default flow '{}' is not an outgoing flow of the gateway",
                                        e.default_flow));
            }
            if (def.flows.at(e.default_flow).condition) {
              return refuse(
                  fmt::format("default flow '{}' must not have a condition", e.default_flow));
            }
          }
          if (e.outgoing.size() > 1) {
            for (const std::string& f : e.outgoing) {
              if (f != e.default_flow && !def.flows.at(f).condition) {
                return refuse(
                    fmt::format("outgoing flow '{}' needs a condition or must be the "
                                "default flow",
                                f));
              }
            }
          }
          break;
        }
        case ElementType::kParallelGateway:
          if (e.incoming.empty()) return refuse("a gateway needs at least one incoming flow");
          if (e.outgoing.empty()) return refuse("a gateway needs at least one outgoing flow");
          break;
        default:
          break;
      }
      if (e.type != ElementType::kExclusiveGateway) {
        for (const std::string& f : e.outgoing) {
          if (def.flows.at(f).condition) {
            return Refuse(
                fmt::format("sequence flow '{}': conditions are only supported on flows "
                            "leaving an exclusive gateway",
                            f));
          }
        }
      }
    }
    if (starts.empty()) return Refuse(fmt::format("process '{}' has no none start event", def.key));
    if (starts.size() > 1) {
      return Refuse(
          fmt::format("process '{}' has several none start events ('{}', '{}'); Ordo "
                      "needs exactly one",
                      def.key, starts[0], starts[1]));
    }
    def.start_event = starts[0];
    return {};
  }

  // Constant data, not a std::set: nothing to construct (or throw) before main.
  static constexpr std::array<std::string_view, 14> kIgnored = {
      "documentation",  "extensionElements",   "laneSet",
      "textAnnotation", "association",         "group",
      "dataObject",     "dataObjectReference", "dataStoreReference",
      "property",       "ioSpecification",     "category",
      "auditing",       "monitoring"};

  const ParseOptions& options_;
  std::set<std::string, std::less<>> ids_;
  std::size_t count_ = 0;
};

}  // namespace

Result<DefinitionPtr> ParseBpmn(std::string_view xml, const ParseOptions& options) {
  BpmnParser parser(options);
  return parser.Parse(xml);
}

}  // namespace ordo::engine
