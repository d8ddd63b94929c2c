#include "engine/time_ordered_id.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>

namespace ordo::engine {
namespace {

TEST(TimeOrderedIdTest, TwentyTwoAlphanumericCharactersAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = TimeOrderedId();
    ASSERT_EQ(id.size(), 22u);
    for (char c : id) ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;
    seen.insert(std::move(id));
  }
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(TimeOrderedIdTest, LaterIdsSortAfterEarlierOnes) {
  const std::string first = TimeOrderedId();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const std::string second = TimeOrderedId();
  EXPECT_LT(first, second);
  EXPECT_LT(first.substr(0, 8), second.substr(0, 8));
}

}  // namespace
}  // namespace ordo::engine
