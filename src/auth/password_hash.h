#pragma once
// Slow password hashing for people's passwords and REST access secrets: argon2id through
// libsodium, stored as PHC strings ("$argon2id$v=19$m=19456,t=2,p=1$...") so that the cost can be
// raised later without breaking stored hashes (VerifyPassword reads the parameters from the
// string; NeedsRehash tells when a stored hash is weaker than the current parameters).
//
// All functions are thread-safe and CPU/memory heavy (~16 ms, 19 MiB each at the defaults): call
// them on a worker pool, never on an I/O thread.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ordo::auth {

// argon2id cost. Defaults: OWASP's recommendation (m=19 MiB, t=2, p=1). libsodium always uses
// p=1.
struct HashParams {
  unsigned long long ops_limit = 2;                       // t: passes over memory
  std::size_t mem_limit = std::size_t{19} * 1024 * 1024;  // m: bytes

  friend bool operator==(const HashParams&, const HashParams&) = default;
};

// Initialises libsodium once (idempotent, thread-safe). Every function here calls it; other
// modules may call it early at start-up.
[[nodiscard]] Status InitSodium();

// The PHC string of `password` under a fresh random salt. Fails (kInternal) when libsodium cannot
// allocate the memory or the parameters are out of its range.
[[nodiscard]] Result<std::string> HashPassword(std::string_view password, const HashParams& params);

// True when `password` matches `phc`. False for a wrong password and for anything that is not a
// valid argon2id PHC string. The comparison inside libsodium is constant-time.
[[nodiscard]] bool VerifyPassword(std::string_view phc, std::string_view password);

// Spends the same time as VerifyPassword against a hash made with `params`, and throws the answer
// away. Called for unknown users, unknown access keys, disabled or expired accesses, so that the
// answer time does not tell whether the name exists.
void BurnDummyVerify(std::string_view password, const HashParams& params);

// True when `phc` was made with weaker parameters than `params` (or is not ours at all).
[[nodiscard]] bool NeedsRehash(std::string_view phc, const HashParams& params);

}  // namespace ordo::auth
