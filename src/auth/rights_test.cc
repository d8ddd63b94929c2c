#include "auth/rights.h"

#include <gtest/gtest.h>

namespace ordo::auth {
namespace {

TEST(RightsTest, NamedRightsMatchApiTable) {
  EXPECT_EQ(*ScopesOfRight("reader"), (std::vector<std::string>{"processes:read"}));
  EXPECT_EQ(*ScopesOfRight("operator"),
            (std::vector<std::string>{"processes:read", "processes:run"}));
  EXPECT_EQ(*ScopesOfRight("designer"),
            (std::vector<std::string>{"processes:read", "processes:run", "processes:deploy"}));
  EXPECT_EQ(ScopesOfRight("admin")->size(), 4u);
  EXPECT_EQ(ScopesOfRight("custom"), std::nullopt);
  EXPECT_EQ(ScopesOfRight("Admin"), std::nullopt);
}

TEST(RightsTest, RightOfScopes) {
  EXPECT_EQ(RightOfScopes({"processes:read"}), "reader");
  EXPECT_EQ(RightOfScopes({"processes:run", "processes:read"}), "operator");
  EXPECT_EQ(RightOfScopes({"processes:run"}), "custom");
  EXPECT_EQ(RightOfScopes({"admin", "processes:read", "processes:run", "processes:deploy"}),
            "admin");
}

TEST(RightsTest, UserScopes) {
  EXPECT_TRUE(UserScopes(true).contains("admin"));
  EXPECT_FALSE(UserScopes(false).contains("admin"));
  EXPECT_TRUE(UserScopes(false).contains("processes:run"));
}

TEST(RightsTest, ScopeStrings) {
  EXPECT_EQ(SplitScopeString("  b a  a "), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(JoinScopeString({"b", "a"}), "a b");
  EXPECT_FALSE(IsKnownScope("processes:write"));
  EXPECT_TRUE(IsKnownScope("admin"));
}

}  // namespace
}  // namespace ordo::auth
