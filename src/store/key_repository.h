#pragma once
// Rows of `signing_keys`: the token signing keys every node shares (issue 3 item 5). The key
// material arrives already sealed (auth/master_key.h: crypto_secretbox under a master key kept
// outside the database); this file never sees it in the clear.
// Stateless functions on a soci::session.

#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace ordo::store {

struct SigningKeyRow {
  std::string kid;
  std::string alg;         // "HS256" | "EdDSA"
  std::string public_key;  // base64url; "" for HS256
  std::string secret_box;  // sealed key material
  long long created_at = 0;
  std::optional<long long> verify_until;  // null while active or never retired
  bool active = false;
};

[[nodiscard]] Status InsertSigningKey(soci::session& s, const SigningKeyRow& row);
// Makes `kid` the one active key; every other active key stops signing and verifies until
// `retire_others_at` (Unix ms).
[[nodiscard]] Status ActivateSigningKey(soci::session& s, const std::string& kid,
                                        long long retire_others_at);
// Keys that still verify at `now`: verify_until null or later than `now`.
[[nodiscard]] Result<std::vector<SigningKeyRow>> LoadSigningKeys(soci::session& s, long long now);

}  // namespace ordo::store
