#include "engine/expression.h"

#include <gtest/gtest.h>

namespace ordo::engine {
namespace {

using nlohmann::json;

const json& Vars() {
  static const json vars = json::parse(R"({
    "amount": 1200, "limit": 1000, "rate": 0.5, "name": "Ada", "blank": "", "ok": true,
    "no": false, "nothing": null, "list": [1, 2, 3], "none": [], "obj": {},
    "customer": {"tier": "gold", "address": {"city": "Lyon"}, "age": 42},
    "big": 9223372036854775807, "neg": -9223372036854775807
  })");
  return vars;
}

Result<json> Eval(const std::string& text, const std::string& initiator = "alice") {
  auto expr = Expression::Parse(text);
  if (!expr) return Fail(expr.error());
  Scope scope{&Vars(), initiator};
  return expr->Evaluate(scope);
}

struct Case {
  std::string text;
  json want;
};

class EvaluatesTo : public testing::TestWithParam<Case> {};

TEST_P(EvaluatesTo, Value) {
  const Case& c = GetParam();
  auto got = Eval(c.text);
  ASSERT_TRUE(got.has_value()) << c.text << ": " << got.error().detail;
  EXPECT_EQ(*got, c.want) << c.text;
  // Integers must stay integers and fractions fractions.
  EXPECT_EQ(got->is_number_integer(), c.want.is_number_integer())
      << c.text << " gave " << got->dump();
  EXPECT_EQ(got->is_number_float(), c.want.is_number_float()) << c.text << " gave " << got->dump();
}

INSTANTIATE_TEST_SUITE_P(
    Table, EvaluatesTo,
    testing::Values(
        // literals
        Case{"${1}", 1}, Case{"${1.5}", 1.5}, Case{"${1e3}", 1000.0}, Case{"${'a'}", "a"},
        Case{"${\"b\"}", "b"}, Case{"${'it\\'s'}", "it's"},
        Case{"${\"say \\\"hi\\\"\"}", "say \"hi\""}, Case{"${true}", true}, Case{"${false}", false},
        Case{"${null}", nullptr}, Case{"${'}'}", "}"},
        // variables and properties
        Case{"${amount}", 1200}, Case{"${customer.tier}", "gold"},
        Case{"${customer.address.city}", "Lyon"}, Case{"${customer.missing}", nullptr},
        Case{"${customer['tier']}", "gold"}, Case{"${list[1]}", 2}, Case{"${list[7]}", nullptr},
        Case{"${initiator}", "alice"}, Case{"${nothing}", nullptr},
        // arithmetic
        Case{"${1 + 2}", 3}, Case{"${7 - 10}", -3}, Case{"${6 * 7}", 42}, Case{"${7 / 2}", 3.5},
        Case{"${6 / 2}", 3.0}, Case{"${7 div 2}", 3.5}, Case{"${7 % 3}", 1}, Case{"${7 mod 3}", 1},
        Case{"${-7 % 3}", -1}, Case{"${7.5 % 2}", 1.5}, Case{"${amount * rate}", 600.0},
        Case{"${1 + 2 * 3}", 7}, Case{"${(1 + 2) * 3}", 9}, Case{"${-amount}", -1200},
        Case{"${- -1}", 1}, Case{"${10 - 2 - 3}", 5}, Case{"${2 * 3 % 4}", 2},
        // string concatenation
        Case{"${'a' + 'b'}", "ab"}, Case{"${'n' + 1}", "n1"}, Case{"${1 + 'n'}", "1n"},
        // comparisons
        Case{"${amount > limit}", true}, Case{"${amount gt limit}", true},
        Case{"${amount < limit}", false}, Case{"${amount lt limit}", false},
        Case{"${amount >= 1200}", true}, Case{"${amount ge 1201}", false},
        Case{"${amount <= 1200}", true}, Case{"${amount le 1199}", false},
        Case{"${1 == 1.0}", true}, Case{"${amount == 1200}", true}, Case{"${amount eq 1200}", true},
        Case{"${amount != 1200}", false}, Case{"${amount ne 1}", true},
        Case{"${name == 'Ada'}", true}, Case{"${name != \"Ada\"}", false},
        Case{"${'5' == 5}", false}, Case{"${nothing == null}", true},
        Case{"${name == null}", false}, Case{"${'abc' < 'abd'}", true}, Case{"${ok == true}", true},
        Case{"${customer == customer}", true}, Case{"${list == list}", true},
        Case{"${big > neg}", true}, Case{"${0.1 + 0.2 > 0.3}", true},
        // logic
        Case{"${ok && no}", false}, Case{"${ok and ok}", true}, Case{"${ok || no}", true},
        Case{"${no or no}", false}, Case{"${!ok}", false}, Case{"${not no}", true},
        Case{"${no && missing}", false}, Case{"${ok || missing}", true},
        Case{"${amount > 1000 && customer.tier == 'gold'}", true},
        Case{"${amount > 5000 || customer.age >= 18 && ok}", true},
        Case{"${!(amount > 1000)}", false},
        // empty
        Case{"${empty name}", false}, Case{"${empty blank}", true}, Case{"${empty nothing}", true},
        Case{"${empty none}", true}, Case{"${empty list}", false}, Case{"${empty obj}", true},
        Case{"${empty missing}", true}, Case{"${empty missing.deeper}", true},
        Case{"${not empty name}", true}, Case{"${empty amount}", false},
        // ternary
        Case{"${ok ? 'yes' : 'no'}", "yes"}, Case{"${no ? 1 : ok ? 2 : 3}", 2},
        // templates
        Case{"plain text", "plain text"}, Case{"", ""}, Case{"user-${name}", "user-Ada"},
        Case{"${name}-${amount}", "Ada-1200"}, Case{"#{amount}", 1200},
        Case{"cost \\${x}", "cost ${x}"}, Case{"${ amount }", 1200}, Case{"=amount > 1000", true},
        Case{"=initiator", "alice"}));

struct Bad {
  std::string text;
  std::string message_part;
};

class FailsToParse : public testing::TestWithParam<Bad> {};

TEST_P(FailsToParse, WithMessage) {
  auto expr = Expression::Parse(GetParam().text);
  ASSERT_FALSE(expr.has_value()) << GetParam().text;
  EXPECT_EQ(expr.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(expr.error().detail.find(GetParam().message_part), std::string::npos)
      << expr.error().detail;
}

INSTANTIATE_TEST_SUITE_P(
    Table, FailsToParse,
    testing::Values(
        Bad{"${}", "unexpected end"}, Bad{"${a >}", "unexpected end of expression at column 4"},
        Bad{"${a = 1}", "use '=='"}, Bad{"${(a}", "expected ')'"}, Bad{"${a b}", "unexpected 'b'"},
        Bad{"${'abc}", "missing '}'"}, Bad{"${a", "missing '}'"}, Bad{"${f(1)}", "function calls"},
        Bad{"${a.}", "property name"}, Bad{"${a[1}", "expected ']'"},
        Bad{"${a ? b}", "expected ':'"}, Bad{"${a @ b}", "unexpected character '@'"},
        Bad{"${and}", "unexpected 'and'"}, Bad{"${1 +* 2}", "unexpected '*'"},
        Bad{"${" + std::string(300, '(') + "1" + std::string(300, ')') + "}", "nested too deeply"},
        Bad{"${" + std::string(200, '!') + "ok}", "nested too deeply"},
        Bad{"${a" + std::string(5000, ' ') + "}", "longer than"}));

class FailsToEvaluate : public testing::TestWithParam<Bad> {};

TEST_P(FailsToEvaluate, WithMessage) {
  auto got = Eval(GetParam().text);
  ASSERT_FALSE(got.has_value()) << GetParam().text << " gave " << got->dump();
  EXPECT_EQ(got.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(got.error().detail.find(GetParam().message_part), std::string::npos)
      << got.error().detail;
}

INSTANTIATE_TEST_SUITE_P(
    Table, FailsToEvaluate,
    testing::Values(Bad{"${missing}", "unknown variable 'missing'"},
                    Bad{"${missing > 1}", "unknown variable 'missing'"},
                    Bad{"${nothing.x}", "property 'x' of null"},
                    Bad{"${name.x}", "property 'x' of string"},
                    Bad{"${amount + ok}", "'+' needs numbers, got number and boolean"},
                    Bad{"${nothing + 1}", "needs numbers"}, Bad{"${name - 1}", "needs numbers"},
                    Bad{"${1 / 0}", "division by zero"}, Bad{"${1 % 0}", "division by zero"},
                    Bad{"${big + 1}", "integer overflow"}, Bad{"${big * 2}", "integer overflow"},
                    Bad{"${amount > 'x'}", "cannot compare number with string"},
                    Bad{"${nothing < 1}", "cannot compare null with number"},
                    Bad{"${amount && ok}", "'&&' needs booleans"},
                    Bad{"${no || amount}", "'||' needs booleans"},
                    Bad{"${!name}", "'!' needs a boolean"}, Bad{"${-name}", "cannot negate"},
                    Bad{"${amount ? 1 : 2}", "boolean condition"},
                    Bad{"${list['a']}", "cannot index array with string"}));

TEST(ExpressionTest, InitiatorVariableWinsOverBuiltin) {
  json vars = {{"initiator", "bob"}};
  auto expr = Expression::Parse("${initiator}");
  ASSERT_TRUE(expr);
  EXPECT_EQ(*expr->Evaluate(Scope{&vars, "alice"}), "bob");
}

TEST(ExpressionTest, StepBudgetStopsEvaluation) {
  std::string text = "${1";
  for (int i = 0; i < 60; ++i) text += " + 1";
  text += "}";
  auto expr = Expression::Parse(text);
  ASSERT_TRUE(expr) << expr.error().detail;
  json vars = json::object();
  auto ok = expr->Evaluate(Scope{&vars, "", 1000});
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 61);
  auto stopped = expr->Evaluate(Scope{&vars, "", 50});
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().detail, "expression exceeded its budget of 50 steps");
}

TEST(ExpressionTest, LiteralDetection) {
  EXPECT_TRUE(Expression::Parse("sales")->IsLiteral());
  EXPECT_FALSE(Expression::Parse("${x}")->IsLiteral());
  EXPECT_FALSE(Expression::Parse("a${x}b")->IsLiteral());
}

}  // namespace
}  // namespace ordo::engine
