#include "core/ids.h"

#include <sodium.h>

#include <array>

namespace ordo {

std::string RandomAlphanumeric(std::size_t length) {
  // One CSPRNG call per batch of bytes, not one per character (each call may be a getrandom
  // syscall). Bytes >= 248 are dropped so that `byte % 62` stays uniform (248 = 4 * 62).
  constexpr unsigned kLimit = 4 * kAlphanumeric.size();
  std::string out;
  out.reserve(length);
  std::array<unsigned char, 64> pool{};
  while (out.size() < length) {
    randombytes_buf(pool.data(), pool.size());
    for (unsigned char b : pool) {
      if (b >= kLimit) continue;
      out.push_back(kAlphanumeric[b % kAlphanumeric.size()]);
      if (out.size() == length) break;
    }
  }
  sodium_memzero(pool.data(), pool.size());
  return out;
}

std::string NewId() { return RandomAlphanumeric(22); }

}  // namespace ordo
