#include "engine/expression.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>

namespace ordo::engine {

using nlohmann::json;

enum class Op {
  kLiteral,
  kVariable,
  kProperty,
  kIndex,
  kNeg,
  kNot,
  kEmpty,
  kMul,
  kDiv,
  kMod,
  kAdd,
  kSub,
  kLt,
  kLe,
  kGt,
  kGe,
  kEq,
  kNe,
  kAnd,
  kOr,
  kCond,
};

struct ExprNode {
  Op op = Op::kLiteral;
  json value;        // kLiteral
  std::string name;  // kVariable, kProperty
  std::shared_ptr<const ExprNode> a, b, c;
  int depth = 1;
};

namespace {

using NodePtr = std::shared_ptr<const ExprNode>;

enum class Tok { kEnd, kNumber, kString, kIdent, kPunct };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // identifier, punctuation, or decoded string
  json number;
  std::size_t column = 0;  // 1-based within the expression
};

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Lexer and recursive-descent parser for one expression (the text between the braces).
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<NodePtr> ParseAll() {
    if (auto st = Advance(); !st) return Fail(st.error());
    auto node = ParseTernary(0);
    if (!node) return node;
    if (tok_.kind != Tok::kEnd) return Error("unexpected '" + tok_.text + "'");
    return node;
  }

 private:
  std::unexpected<ordo::Error> Error(const std::string& what) const {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} at column {}", what,
                            tok_.kind == Tok::kEnd ? text_.size() + 1 : tok_.column));
  }

  Status Advance() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
    tok_ = Token{};
    tok_.column = pos_ + 1;
    if (pos_ >= text_.size()) return {};
    char c = text_[pos_];
    if (IsDigit(c) || (c == '.' && pos_ + 1 < text_.size() && IsDigit(text_[pos_ + 1]))) {
      return LexNumber();
    }
    if (c == '\'' || c == '"') return LexString(c);
    if (IsIdentStart(c)) {
      std::size_t start = pos_;
      while (pos_ < text_.size() && (IsIdentStart(text_[pos_]) || IsDigit(text_[pos_]))) ++pos_;
      tok_.kind = Tok::kIdent;
      tok_.text = std::string(text_.substr(start, pos_ - start));
      return {};
    }
    static constexpr std::string_view kTwo[] = {"==", "!=", "<=", ">=", "&&", "||"};
    for (std::string_view p : kTwo) {
      if (text_.substr(pos_, 2) == p) {
        tok_.kind = Tok::kPunct;
        tok_.text = std::string(p);
        pos_ += 2;
        return {};
      }
    }
    static constexpr std::string_view kOne = "()[].?:<>!+-*/%";
    if (kOne.find(c) != std::string_view::npos) {
      tok_.kind = Tok::kPunct;
      tok_.text = std::string(1, c);
      ++pos_;
      return {};
    }
    tok_.text = std::string(1, c);
    if (c == '=') return Fail(Error("unexpected '=' (use '==' to compare)").error());
    return Fail(Error("unexpected character '" + tok_.text + "'").error());
  }

  Status LexNumber() {
    std::size_t start = pos_;
    bool is_float = false;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '.' && pos_ + 1 < text_.size() &&
        IsDigit(text_[pos_ + 1])) {
      is_float = true;
      ++pos_;
      while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      std::size_t save = pos_++;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (pos_ < text_.size() && IsDigit(text_[pos_])) {
        is_float = true;
        while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
      } else {
        pos_ = save;
      }
    }
    std::string digits(text_.substr(start, pos_ - start));
    tok_.kind = Tok::kNumber;
    tok_.text = digits;
    if (!is_float) {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(digits.c_str(), &end, 10);
      if (errno == 0) {
        tok_.number = static_cast<std::int64_t>(v);
        return {};
      }
    }
    double d = std::strtod(digits.c_str(), nullptr);
    if (!std::isfinite(d)) return Fail(Error("number out of range").error());
    tok_.number = d;
    return {};
  }

  Status LexString(char quote) {
    ++pos_;
    std::string out;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == quote) {
        tok_.kind = Tok::kString;
        tok_.text = std::move(out);
        return {};
      }
      if (c == '\\' && pos_ < text_.size()) {
        char e = text_[pos_++];
        if (e == '\\' || e == '\'' || e == '"') {
          out += e;
        } else {
          out += '\\';
          out += e;
        }
        continue;
      }
      out += c;
    }
    return Fail(Error("unterminated string").error());
  }

  bool IsPunct(std::string_view p) const { return tok_.kind == Tok::kPunct && tok_.text == p; }
  bool IsWord(std::string_view w) const { return tok_.kind == Tok::kIdent && tok_.text == w; }

  Result<NodePtr> Make(Op op, NodePtr a, NodePtr b = nullptr, NodePtr c = nullptr) {
    auto n = std::make_shared<ExprNode>();
    n->op = op;
    int depth = 0;
    for (const NodePtr& child : {a, b, c}) {
      if (child) depth = std::max(depth, child->depth);
    }
    n->depth = depth + 1;
    if (n->depth > kMaxExpressionDepth) return Error("expression nested too deeply");
    n->a = std::move(a);
    n->b = std::move(b);
    n->c = std::move(c);
    return NodePtr(std::move(n));
  }

  Result<NodePtr> ParseTernary(int level) {
    if (level > kMaxExpressionDepth) return Error("expression nested too deeply");
    auto cond = ParseOr(level);
    if (!cond || !IsPunct("?")) return cond;
    if (auto st = Advance(); !st) return Fail(st.error());
    auto yes = ParseTernary(level + 1);
    if (!yes) return yes;
    if (!IsPunct(":")) return Error("expected ':'");
    if (auto st = Advance(); !st) return Fail(st.error());
    auto no = ParseTernary(level + 1);
    if (!no) return no;
    return Make(Op::kCond, *cond, *yes, *no);
  }

  // One left-associative binary level: `next` parses the operands, `match` maps the current
  // token to an operator (or returns false).
  template <typename Next, typename Match>
  Result<NodePtr> Binary(int level, Next next, Match match) {
    auto left = (this->*next)(level);
    if (!left) return left;
    Op op;
    while (match(op)) {
      if (auto st = Advance(); !st) return Fail(st.error());
      auto right = (this->*next)(level);
      if (!right) return right;
      left = Make(op, *left, *right);
      if (!left) return left;
    }
    return left;
  }

  Result<NodePtr> ParseOr(int level) {
    return Binary(level, &Parser::ParseAnd, [this](Op& op) {
      op = Op::kOr;
      return IsPunct("||") || IsWord("or");
    });
  }
  Result<NodePtr> ParseAnd(int level) {
    return Binary(level, &Parser::ParseEquality, [this](Op& op) {
      op = Op::kAnd;
      return IsPunct("&&") || IsWord("and");
    });
  }
  Result<NodePtr> ParseEquality(int level) {
    return Binary(level, &Parser::ParseRelational, [this](Op& op) {
      if (IsPunct("==") || IsWord("eq")) return op = Op::kEq, true;
      if (IsPunct("!=") || IsWord("ne")) return op = Op::kNe, true;
      return false;
    });
  }
  Result<NodePtr> ParseRelational(int level) {
    return Binary(level, &Parser::ParseAdditive, [this](Op& op) {
      if (IsPunct("<") || IsWord("lt")) return op = Op::kLt, true;
      if (IsPunct("<=") || IsWord("le")) return op = Op::kLe, true;
      if (IsPunct(">") || IsWord("gt")) return op = Op::kGt, true;
      if (IsPunct(">=") || IsWord("ge")) return op = Op::kGe, true;
      return false;
    });
  }
  Result<NodePtr> ParseAdditive(int level) {
    return Binary(level, &Parser::ParseMultiplicative, [this](Op& op) {
      if (IsPunct("+")) return op = Op::kAdd, true;
      if (IsPunct("-")) return op = Op::kSub, true;
      return false;
    });
  }
  Result<NodePtr> ParseMultiplicative(int level) {
    return Binary(level, &Parser::ParseUnary, [this](Op& op) {
      if (IsPunct("*")) return op = Op::kMul, true;
      if (IsPunct("/") || IsWord("div")) return op = Op::kDiv, true;
      if (IsPunct("%") || IsWord("mod")) return op = Op::kMod, true;
      return false;
    });
  }

  Result<NodePtr> ParseUnary(int level) {
    if (level > kMaxExpressionDepth) return Error("expression nested too deeply");
    Op op;
    if (IsPunct("-")) {
      op = Op::kNeg;
    } else if (IsPunct("!") || IsWord("not")) {
      op = Op::kNot;
    } else if (IsWord("empty")) {
      op = Op::kEmpty;
    } else {
      return ParsePostfix(level);
    }
    if (auto st = Advance(); !st) return Fail(st.error());
    auto operand = ParseUnary(level + 1);
    if (!operand) return operand;
    return Make(op, *operand);
  }

  Result<NodePtr> ParsePostfix(int level) {
    auto node = ParsePrimary(level);
    if (!node) return node;
    while (true) {
      if (IsPunct(".")) {
        if (auto st = Advance(); !st) return Fail(st.error());
        if (tok_.kind != Tok::kIdent) return Error("expected a property name after '.'");
        auto prop = Make(Op::kProperty, *node);
        if (!prop) return prop;
        std::const_pointer_cast<ExprNode>(*prop)->name = tok_.text;
        node = prop;
        if (auto st = Advance(); !st) return Fail(st.error());
      } else if (IsPunct("[")) {
        if (auto st = Advance(); !st) return Fail(st.error());
        auto index = ParseTernary(level + 1);
        if (!index) return index;
        if (!IsPunct("]")) return Error("expected ']'");
        if (auto st = Advance(); !st) return Fail(st.error());
        node = Make(Op::kIndex, *node, *index);
        if (!node) return node;
      } else if (IsPunct("(")) {
        return Error("function calls are not supported");
      } else {
        return node;
      }
    }
  }

  Result<NodePtr> ParsePrimary(int level) {
    auto literal = [&](json v) -> Result<NodePtr> {
      auto n = std::make_shared<ExprNode>();
      n->op = Op::kLiteral;
      n->value = std::move(v);
      if (auto st = Advance(); !st) return Fail(st.error());
      return NodePtr(std::move(n));
    };
    switch (tok_.kind) {
      case Tok::kEnd:
        return Error("unexpected end of expression");
      case Tok::kNumber:
        return literal(tok_.number);
      case Tok::kString:
        return literal(tok_.text);
      case Tok::kIdent: {
        static constexpr std::string_view kReserved[] = {
            "and", "or", "not", "eq", "ne", "lt", "gt", "le", "ge", "div", "mod", "instanceof"};
        if (tok_.text == "true") return literal(true);
        if (tok_.text == "false") return literal(false);
        if (tok_.text == "null") return literal(nullptr);
        for (std::string_view r : kReserved) {
          if (tok_.text == r) return Error("unexpected '" + tok_.text + "'");
        }
        auto n = std::make_shared<ExprNode>();
        n->op = Op::kVariable;
        n->name = tok_.text;
        if (auto st = Advance(); !st) return Fail(st.error());
        return NodePtr(std::move(n));
      }
      case Tok::kPunct:
        if (IsPunct("(")) {
          if (auto st = Advance(); !st) return Fail(st.error());
          auto inner = ParseTernary(level + 1);
          if (!inner) return inner;
          if (!IsPunct(")")) return Error("expected ')'");
          if (auto st = Advance(); !st) return Fail(st.error());
          return inner;
        }
        return Error("unexpected '" + tok_.text + "'");
    }
    return Error("unexpected input");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  Token tok_;
};

// ---- evaluation ----

struct Evaluator {
  const Scope& scope;
  int steps = 0;

  std::unexpected<ordo::Error> Err(std::string what) const {
    return Fail(ErrorCode::kFailedPrecondition, std::move(what));
  }

  static std::string TypeName(const json& v) {
    switch (v.type()) {
      case json::value_t::null:
        return "null";
      case json::value_t::boolean:
        return "boolean";
      case json::value_t::string:
        return "string";
      case json::value_t::array:
        return "array";
      case json::value_t::object:
        return "object";
      default:
        return "number";
    }
  }

  static bool IsInt(const json& v) {
    return v.is_number_integer() &&
           !(v.is_number_unsigned() &&
             v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX));
  }

  static std::string ToText(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
  }

  Result<json> Eval(const ExprNode& n, bool missing_is_null = false) {
    if (++steps > scope.step_budget) {
      return Err(fmt::format("expression exceeded its budget of {} steps", scope.step_budget));
    }
    switch (n.op) {
      case Op::kLiteral:
        return n.value;
      case Op::kVariable: {
        if (scope.variables != nullptr && scope.variables->is_object()) {
          auto it = scope.variables->find(n.name);
          if (it != scope.variables->end()) return *it;
        }
        if (n.name == "initiator" && !scope.initiator.empty()) return json(scope.initiator);
        if (missing_is_null) return json(nullptr);
        return Err("unknown variable '" + n.name + "'");
      }
      case Op::kProperty: {
        auto base = Eval(*n.a, missing_is_null);
        if (!base) return base;
        if (base->is_null() && missing_is_null) return json(nullptr);
        if (!base->is_object()) {
          return Err("cannot read property '" + n.name + "' of " + TypeName(*base));
        }
        auto it = base->find(n.name);
        return it == base->end() ? json(nullptr) : *it;
      }
      case Op::kIndex: {
        auto base = Eval(*n.a, missing_is_null);
        if (!base) return base;
        auto index = Eval(*n.b);
        if (!index) return index;
        if (base->is_null() && missing_is_null) return json(nullptr);
        if (base->is_object() && index->is_string()) {
          auto it = base->find(index->get<std::string>());
          return it == base->end() ? json(nullptr) : *it;
        }
        if (base->is_array() && IsInt(*index)) {
          std::int64_t i = index->get<std::int64_t>();
          if (i < 0 || static_cast<std::size_t>(i) >= base->size()) return json(nullptr);
          return (*base)[static_cast<std::size_t>(i)];
        }
        return Err("cannot index " + TypeName(*base) + " with " + TypeName(*index));
      }
      case Op::kNeg: {
        auto v = Eval(*n.a);
        if (!v) return v;
        if (IsInt(*v)) {
          std::int64_t i = v->get<std::int64_t>();
          if (i == INT64_MIN) return Err("integer overflow");
          return json(-i);
        }
        if (v->is_number()) return json(-v->get<double>());
        return Err("cannot negate " + TypeName(*v));
      }
      case Op::kNot: {
        auto v = Eval(*n.a);
        if (!v) return v;
        if (!v->is_boolean()) return Err("'!' needs a boolean, got " + TypeName(*v));
        return json(!v->get<bool>());
      }
      case Op::kEmpty: {
        auto v = Eval(*n.a, /*missing_is_null=*/true);
        if (!v) return v;
        bool empty = v->is_null() || (v->is_string() && v->get_ref<const std::string&>().empty()) ||
                     ((v->is_array() || v->is_object()) && v->empty());
        return json(empty);
      }
      case Op::kAnd:
      case Op::kOr: {
        const char* name = n.op == Op::kAnd ? "'&&'" : "'||'";
        auto a = Eval(*n.a);
        if (!a) return a;
        if (!a->is_boolean())
          return Err(std::string(name) + " needs booleans, got " + TypeName(*a));
        if (a->get<bool>() == (n.op == Op::kOr)) return *a;
        auto b = Eval(*n.b);
        if (!b) return b;
        if (!b->is_boolean())
          return Err(std::string(name) + " needs booleans, got " + TypeName(*b));
        return *b;
      }
      case Op::kCond: {
        auto c = Eval(*n.a);
        if (!c) return c;
        if (!c->is_boolean()) return Err("'?' needs a boolean condition, got " + TypeName(*c));
        return Eval(c->get<bool>() ? *n.b : *n.c);
      }
      default:
        break;
    }
    auto a = Eval(*n.a);
    if (!a) return a;
    auto b = Eval(*n.b);
    if (!b) return b;
    return Binary(n.op, *a, *b);
  }

  Result<json> Binary(Op op, const json& a, const json& b) {
    switch (op) {
      case Op::kEq:
      case Op::kNe: {
        bool eq;
        if (a.is_number() && b.is_number()) {
          eq = IsInt(a) && IsInt(b) ? a.get<std::int64_t>() == b.get<std::int64_t>()
                                    : a.get<double>() == b.get<double>();
        } else {
          eq = a == b;
        }
        return json(op == Op::kEq ? eq : !eq);
      }
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe: {
        int cmp;
        if (a.is_number() && b.is_number()) {
          if (IsInt(a) && IsInt(b)) {
            auto x = a.get<std::int64_t>(), y = b.get<std::int64_t>();
            cmp = x < y ? -1 : (x > y ? 1 : 0);
          } else {
            double x = a.get<double>(), y = b.get<double>();
            cmp = x < y ? -1 : (x > y ? 1 : 0);
          }
        } else if (a.is_string() && b.is_string()) {
          int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
          cmp = c < 0 ? -1 : (c > 0 ? 1 : 0);
        } else {
          return Err("cannot compare " + TypeName(a) + " with " + TypeName(b));
        }
        bool r = op == Op::kLt   ? cmp < 0
                 : op == Op::kLe ? cmp <= 0
                 : op == Op::kGt ? cmp > 0
                                 : cmp >= 0;
        return json(r);
      }
      case Op::kAdd:
        if ((a.is_string() && (b.is_string() || b.is_number())) ||
            (b.is_string() && a.is_number())) {
          return json(ToText(a) + ToText(b));
        }
        [[fallthrough]];
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod:
        return Arithmetic(op, a, b);
      default:
        return Err("internal: unknown operator");
    }
  }

  Result<json> Arithmetic(Op op, const json& a, const json& b) {
    static constexpr const char* kNames[] = {"+", "-", "*", "/", "%"};
    const char* name = op == Op::kAdd   ? kNames[0]
                       : op == Op::kSub ? kNames[1]
                       : op == Op::kMul ? kNames[2]
                       : op == Op::kDiv ? kNames[3]
                                        : kNames[4];
    if (!a.is_number() || !b.is_number()) {
      return Err(fmt::format("'{}' needs numbers, got {} and {}", name, TypeName(a), TypeName(b)));
    }
    if (op == Op::kDiv) {
      double y = b.get<double>();
      if (y == 0) return Err("division by zero");
      return json(a.get<double>() / y);
    }
    if (IsInt(a) && IsInt(b)) {
      std::int64_t x = a.get<std::int64_t>(), y = b.get<std::int64_t>(), r = 0;
      bool overflow = false;
      switch (op) {
        case Op::kAdd:
          overflow = __builtin_add_overflow(x, y, &r);
          break;
        case Op::kSub:
          overflow = __builtin_sub_overflow(x, y, &r);
          break;
        case Op::kMul:
          overflow = __builtin_mul_overflow(x, y, &r);
          break;
        default:
          if (y == 0) return Err("division by zero");
          if (x == INT64_MIN && y == -1) return json(std::int64_t{0});
          r = x % y;
      }
      if (overflow) return Err("integer overflow");
      return json(r);
    }
    double x = a.get<double>(), y = b.get<double>(), r;
    switch (op) {
      case Op::kAdd:
        r = x + y;
        break;
      case Op::kSub:
        r = x - y;
        break;
      case Op::kMul:
        r = x * y;
        break;
      default:
        if (y == 0) return Err("division by zero");
        r = std::fmod(x, y);
    }
    if (!std::isfinite(r)) return Err("number out of range");
    return json(r);
  }
};

}  // namespace

Result<Expression> Expression::Parse(std::string_view text) {
  Expression out;
  out.source_ = std::string(text);
  if (text.size() > 1 << 16) return Fail(ErrorCode::kInvalidArgument, "expression text too long");
  auto parse_one = [&](std::string_view body, std::size_t offset) -> Status {
    if (body.size() > kMaxExpressionLength) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("expression longer than {} characters", kMaxExpressionLength));
    }
    Parser parser(body);
    auto node = parser.ParseAll();
    if (!node) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("syntax error in '{}': {}{}", text, node.error().detail,
                              offset ? fmt::format(" (of the part at {})", offset + 1) : ""));
    }
    out.parts_.push_back(Part{{}, *node});
    return {};
  };

  // Zeebe's convention: "=expr" is one expression.
  if (!text.empty() && text[0] == '=') {
    if (auto st = parse_one(text.substr(1), 0); !st) return Fail(st.error());
    return out;
  }
  std::size_t pos = 0;
  std::string literal;
  while (pos < text.size()) {
    bool opens =
        (text[pos] == '$' || text[pos] == '#') && pos + 1 < text.size() && text[pos + 1] == '{';
    if (!opens) {
      if (text[pos] == '\\' && pos + 1 < text.size() &&
          (text[pos + 1] == '$' || text[pos + 1] == '#')) {
        ++pos;  // "\${" is a literal "${"
      }
      literal += text[pos++];
      continue;
    }
    // Find the closing brace, skipping string literals inside the expression.
    std::size_t start = pos + 2, i = start;
    char quote = 0;
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (quote) {
        if (c == '\\') {
          ++i;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '}') {
        break;
      }
    }
    if (i >= text.size()) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("syntax error in '{}': missing '}}' for the '${{' at column {}", text,
                              pos + 1));
    }
    if (!literal.empty()) out.parts_.push_back(Part{std::move(literal), nullptr});
    literal.clear();
    if (auto st = parse_one(text.substr(start, i - start), pos); !st) return Fail(st.error());
    pos = i + 1;
  }
  if (!literal.empty() || out.parts_.empty())
    out.parts_.push_back(Part{std::move(literal), nullptr});
  return out;
}

bool Expression::IsLiteral() const {
  for (const Part& p : parts_) {
    if (p.node) return false;
  }
  return true;
}

Result<json> Expression::Evaluate(const Scope& scope) const {
  Evaluator ev{scope};
  if (parts_.size() == 1 && parts_[0].node) return ev.Eval(*parts_[0].node);
  std::string out;
  for (const Part& p : parts_) {
    if (!p.node) {
      out += p.text;
      continue;
    }
    auto v = ev.Eval(*p.node);
    if (!v) return v;
    out += Evaluator::ToText(*v);
  }
  return json(out);
}

}  // namespace ordo::engine
