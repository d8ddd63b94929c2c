#pragma once
// First start: with no user at all, create `admin` so that someone can log in. The password is
// ORDO_ADMIN_PASSWORD when set, else random; a random one is printed once on standard error and
// written to DATA/admin-password (mode 0600) for the operator to read and delete.

#include <filesystem>

#include "auth/password_hash.h"
#include "core/error.h"
#include "store/user_repository.h"

namespace ordo::app {

struct BootstrapResult {
  bool created = false;
  bool password_from_environment = false;
  std::filesystem::path password_file;  // empty unless a random password was written
};

[[nodiscard]] Result<BootstrapResult> BootstrapAdmin(store::UserRepository& users,
                                                     const std::filesystem::path& data_dir,
                                                     const auth::HashParams& params);

}  // namespace ordo::app
