#pragma once
// How many CPUs this process may run on.

#include <cstddef>

namespace ordo {

// The CPUs in this process's affinity mask (what `taskset` or a container's cpuset allows), not
// the machine's: thread pools sized to the machine would oversubscribe a pinned process.
// At least 1.
std::size_t UsableCores();

}  // namespace ordo
