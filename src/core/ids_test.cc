#include "core/ids.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <map>
#include <set>

namespace ordo {
namespace {

TEST(Ids, AlphanumericHasRequestedLengthAndAlphabet) {
  ASSERT_GE(sodium_init(), 0);
  const std::string s = RandomAlphanumeric(40);
  EXPECT_EQ(s.size(), 40u);
  EXPECT_EQ(s.find_first_not_of(kAlphanumeric), std::string::npos);
}

TEST(Ids, AlphanumericIsUniform) {
  // A modulo bias (256 % 62 = 8) would give the first 8 symbols 25 % more draws than the rest.
  const std::string s = RandomAlphanumeric(std::size_t{62} * 4000);
  std::map<char, int> counts;
  for (char c : s) ++counts[c];
  ASSERT_EQ(counts.size(), kAlphanumeric.size());
  for (const auto& [symbol, n] : counts) {
    EXPECT_GT(n, 3400) << symbol;  // expected 4000, standard deviation about 63
    EXPECT_LT(n, 4600) << symbol;
  }
}

TEST(Ids, NewIdsAreDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewId());
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace ordo
