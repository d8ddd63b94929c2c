#pragma once
// Ordo's expression language: the JUEL subset of API.md section 6, used by sequence-flow
// conditions and dynamic task assignments. There is no maintained JUEL/FEEL library in Debian
// 12, so this is a small recursive-descent parser and a tree-walking evaluator of our own.
//
// Texts are templates: plain text, `${expr}` (or `#{expr}`), or a mix ("user-${id}"). A text
// that is exactly one `${expr}` evaluates to the expression's JSON value; a mix evaluates to a
// string. A text starting with '=' (Zeebe's convention) is one expression without the braces.
//
// Semantics, stricter than JUEL where JUEL's coercions hide mistakes (a failing expression
// raises a visible incident instead of taking a surprising path):
// - values are JSON; integers stay 64-bit integers under + - * % (overflow is an error), `/`
//   and `div` always give a floating-point number; division by zero is an error;
// - `+` concatenates when either side is a string (and the other a string or number);
// - `==`/`!=` compare numbers numerically and everything else by type and value (no coercion:
//   "5" != 5); `< <= > >=` need two numbers or two strings;
// - `&& || ! ? :` need booleans and short-circuit; arithmetic and comparisons on null are errors;
// - an unknown variable is an error, except under `empty` (where it counts as null); a missing
//   property of an object is null; a property of null or of a non-object is an error;
// - `empty x` is true for null, "", [] and {}.
// Evaluation counts one step per node visited and fails past the budget, so no expression can
// run for long. Parsing bounds length and nesting so that hostile input cannot exhaust the stack.
//
// Expression is immutable after Parse and cheap to copy (shared tree); thread-safe to evaluate
// concurrently.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ordo::engine {

inline constexpr std::size_t kMaxExpressionLength = 4096;
inline constexpr int kMaxExpressionDepth = 64;
inline constexpr int kDefaultExpressionSteps = 10'000;

// What an expression sees.
struct Scope {
  const nlohmann::json* variables = nullptr;  // a JSON object; null means no variables
  std::string initiator;                      // `${initiator}` when no variable of that name
  int step_budget = kDefaultExpressionSteps;
};

struct ExprNode;  // defined in expression.cc

class Expression {
 public:
  Expression() = default;

  // Parses a template (see above). Errors are kInvalidArgument with the column of the problem.
  [[nodiscard]] static Result<Expression> Parse(std::string_view text);

  // Evaluates against `scope`. Errors (unknown variable, type error, budget) are
  // kFailedPrecondition with a message meant for an incident.
  [[nodiscard]] Result<nlohmann::json> Evaluate(const Scope& scope) const;

  // True when the text has no `${...}` part: its value is the text itself.
  bool IsLiteral() const;
  const std::string& source() const { return source_; }

 private:
  struct Part {
    std::string text;                      // literal text, when node is null
    std::shared_ptr<const ExprNode> node;  // an expression
  };
  std::string source_;
  std::vector<Part> parts_;
};

}  // namespace ordo::engine
