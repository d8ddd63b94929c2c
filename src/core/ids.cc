#include "core/ids.h"

#include <sodium.h>

namespace ordo {

std::string RandomAlphanumeric(std::size_t length) {
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    // randombytes_uniform is unbiased for any upper bound.
    out.push_back(kAlphanumeric[randombytes_uniform(static_cast<uint32_t>(kAlphanumeric.size()))]);
  }
  return out;
}

std::string NewId() { return RandomAlphanumeric(22); }

std::string RandomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                 raw.size());
  hex.pop_back();
  sodium_memzero(raw.data(), raw.size());
  return hex;
}

}  // namespace ordo
