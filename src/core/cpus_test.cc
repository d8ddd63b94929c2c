#include "core/cpus.h"

#include <gtest/gtest.h>
#include <sched.h>

namespace ordo {
namespace {

TEST(UsableCores, CountsTheAffinityMaskNotTheMachine) {
  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof(saved), &saved), 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &saved)) {
      CPU_SET(cpu, &one);
      break;
    }
  }
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  EXPECT_EQ(UsableCores(), 1u);
  ASSERT_EQ(sched_setaffinity(0, sizeof(saved), &saved), 0);
  EXPECT_EQ(UsableCores(), static_cast<std::size_t>(CPU_COUNT(&saved)));
}

}  // namespace
}  // namespace ordo
