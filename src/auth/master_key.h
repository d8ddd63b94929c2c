#pragma once
// The master key that seals token signing keys at rest (issue 3 item 5), and the sealing itself
// (libsodium crypto_secretbox: XSalsa20-Poly1305, random nonce per seal). The master key is kept
// outside the database — a 0600 file in the data folder, or ORDO_MASTER_KEY for several nodes —
// so that a leaked database backup can neither reveal the signing keys nor mint tokens.
// Value types and free functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "auth/secrets.h"
#include "core/error.h"

namespace ordo::auth {

// 32 bytes (crypto_secretbox_KEYBYTES), wiped when destroyed.
struct MasterKey {
  SecretString bytes;
};

// From `env_value` (ORDO_MASTER_KEY: 64 hex characters, or base64 of 32 bytes) when set;
// otherwise from `<data_dir>/master.key`, created with mode 0600 from the CSPRNG on first start.
// A key file readable by group or others is refused (kFailedPrecondition) so that a careless
// copy is noticed. Errors never contain key material.
[[nodiscard]] Result<MasterKey> LoadOrCreateMasterKey(const std::string& data_dir,
                                                      const std::optional<std::string>& env_value);
// Parses the ORDO_MASTER_KEY format (exposed for tests).
[[nodiscard]] Result<MasterKey> ParseMasterKey(std::string_view text);

// base64url(nonce || secretbox(plain)).
[[nodiscard]] Result<std::string> Seal(const MasterKey& key, std::string_view plain);
// Inverse of Seal. kInternal on a wrong master key or altered text.
[[nodiscard]] Result<SecretString> Open(const MasterKey& key, std::string_view sealed);

}  // namespace ordo::auth
