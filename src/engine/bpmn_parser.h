#pragma once
// BPMN 2.0 XML → validated, immutable Definition.
//
// Reads the standard BPMN namespace under any prefix (or none), the Camunda 7 attributes
// (camunda:assignee, candidateUsers, candidateGroups, priority, type="external" + topic,
// asyncBefore/asyncAfter, initiator) and the Zeebe extension elements (zeebe:taskDefinition,
// zeebe:assignmentDefinition). Everything it cannot run is refused with kUnprocessable and a
// message naming the element id: nothing is silently skipped except what has no runtime
// meaning (diagram interchange, documentation, annotations, associations, groups, lanes, data
// objects, foreign-namespace content, harmless extension elements).
//
// Security: a document with a DOCTYPE is refused outright, so no DTD or entity (internal or
// external) is ever declared, let alone expanded; pugixml itself never fetches anything.
// Input size and element count are bounded.
//
// Stateless and thread-safe.

#include <cstddef>
#include <string_view>

#include "core/error.h"
#include "engine/model.h"

namespace ordo::engine {

inline constexpr std::size_t kMaxBpmnBytes = 10 << 20;  // as the deploy route's body limit

struct ParseOptions {
  std::size_t max_bytes = kMaxBpmnBytes;
  std::size_t max_elements = 20'000;  // flow nodes and sequence flows
};

[[nodiscard]] Result<DefinitionPtr> ParseBpmn(std::string_view xml,
                                              const ParseOptions& options = {});

}  // namespace ordo::engine
