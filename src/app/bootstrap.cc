#include "app/bootstrap.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "core/ids.h"

namespace ordo::app {
namespace {

Status WritePrivateFile(const std::filesystem::path& path, const std::string& content) {
  // O_EXCL|0600 from the start: the file is never readable by others, not even for a moment.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(ErrorCode::kUnavailable, "cannot write " + path.string());
  ::fchmod(fd, 0600);
  const ssize_t n = ::write(fd, content.data(), content.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(content.size())) {
    return Fail(ErrorCode::kUnavailable, "cannot write " + path.string());
  }
  return {};
}

}  // namespace

Result<BootstrapResult> BootstrapAdmin(store::UserRepository& users,
                                       const std::filesystem::path& data_dir,
                                       const auth::HashParams& params) {
  auto count = users.Count();
  if (!count) return Fail(count.error());
  BootstrapResult result;
  if (*count > 0) return result;

  std::string password;
  if (const char* env = std::getenv("ORDO_ADMIN_PASSWORD"); env != nullptr && *env != '\0') {
    password = env;
    result.password_from_environment = true;
  } else {
    password = RandomAlphanumeric(24);
  }
  auto hash = auth::HashPassword(password, params);
  if (!hash) return Fail(hash.error());
  store::UserRecord admin;
  admin.id = NewId();
  admin.username = "admin";
  admin.display_name = "Administrator";
  admin.password_hash = std::move(*hash);
  admin.admin = true;
  admin.created_at = admin.updated_at = store::NowMillis();
  auto created = users.Create(std::move(admin));
  if (!created) return Fail(created.error());
  result.created = true;
  if (!result.password_from_environment) {
    result.password_file = data_dir / "admin-password";
    if (Status st = WritePrivateFile(result.password_file, password + "\n"); !st) {
      return Fail(st.error());
    }
    // Shown once, on stderr only (never in the log stream's structured lines).
    std::fprintf(stderr,
                 "ordo: created user 'admin' with password: %s\n"
                 "ordo: (also in %s, readable only by this user; delete it once noted)\n",
                 password.c_str(), result.password_file.c_str());
  }
  sodium_memzero(password.data(), password.size());
  return result;
}

}  // namespace ordo::app
