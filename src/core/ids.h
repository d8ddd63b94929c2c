#pragma once
// Random identifiers and tokens from libsodium's CSPRNG. Thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace ordo {

inline constexpr std::string_view kAlphanumeric =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// `length` characters drawn uniformly from [A-Za-z0-9] (no modulo bias).
std::string RandomAlphanumeric(std::size_t length);
// A new opaque id for a stored row: 22 alphanumeric characters (~131 bits).
std::string NewId();

}  // namespace ordo
