#include "auth/master_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "auth/jwt.h"
#include "auth/password_hash.h"

namespace ordo::auth {
namespace {

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Result<MasterKey> FromBytes(std::string raw) {
  if (raw.size() != crypto_secretbox_KEYBYTES) {
    Wipe(raw);
    return Fail(ErrorCode::kInvalidArgument, "the master key must be 32 bytes");
  }
  return MasterKey{SecretString(std::move(raw))};
}

}  // namespace

Result<MasterKey> ParseMasterKey(std::string_view text) {
  if (auto st = InitSodium(); !st) return Fail(st.error());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  std::string raw(64, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (text.size() == 64 &&
      sodium_hex2bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), text.data(),
                     text.size(), nullptr, &len, &end) == 0 &&
      end == text.data() + text.size()) {
    raw.resize(len);
    return FromBytes(std::move(raw));
  }
  for (int variant :
       {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_URLSAFE,
        sodium_base64_VARIANT_ORIGINAL_NO_PADDING, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), text.data(),
                          text.size(), nullptr, &len, &end, variant) == 0 &&
        end == text.data() + text.size()) {
      raw.resize(len);
      return FromBytes(std::move(raw));
    }
  }
  Wipe(raw);
  return Fail(ErrorCode::kInvalidArgument,
              "ORDO_MASTER_KEY must be 64 hex characters or the base64 of 32 bytes");
}

Result<MasterKey> LoadOrCreateMasterKey(const std::string& data_dir,
                                        const std::optional<std::string>& env_value) {
  if (auto st = InitSodium(); !st) return Fail(st.error());
  if (env_value && !env_value->empty()) return ParseMasterKey(*env_value);
  const std::string path = (std::filesystem::path(data_dir) / "master.key").string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT) {
    // O_EXCL: two processes starting together never both write a key.
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0) {
      unsigned char key[crypto_secretbox_KEYBYTES];
      crypto_secretbox_keygen(key);
      std::string hex(sizeof(key) * 2 + 1, '\0');
      sodium_bin2hex(hex.data(), hex.size(), key, sizeof(key));
      hex.back() = '\n';
      bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) &&
                ::fsync(fd) == 0;
      ::close(fd);
      sodium_memzero(key, sizeof(key));
      Wipe(hex);
      if (!ok) return Fail(ErrorCode::kUnavailable, "cannot write " + path);
    }
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  }
  if (fd < 0) {
    return Fail(ErrorCode::kUnavailable,
                "cannot read master key " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
    ::close(fd);
    return Fail(ErrorCode::kFailedPrecondition,
                "master key " + path + " must be readable by its owner only (chmod 600)");
  }
  std::string text(256, '\0');
  ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  if (n <= 0) return Fail(ErrorCode::kUnavailable, "cannot read master key " + path);
  text.resize(static_cast<std::size_t>(n));
  SecretString holder(std::move(text));
  auto key = ParseMasterKey(holder.view());
  if (!key) return Fail(ErrorCode::kFailedPrecondition, "master key " + path + " is malformed");
  return key;
}

Result<std::string> Seal(const MasterKey& key, std::string_view plain) {
  if (key.bytes.view().size() != crypto_secretbox_KEYBYTES) {
    return Fail(ErrorCode::kInternal, "master key missing");
  }
  std::string box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, U(plain), plain.size(), out,
                        U(key.bytes.view()));
  return Base64UrlEncode(box);
}

Result<SecretString> Open(const MasterKey& key, std::string_view sealed) {
  std::string box;
  if (key.bytes.view().size() != crypto_secretbox_KEYBYTES || !Base64UrlDecode(sealed, &box) ||
      box.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return Fail(ErrorCode::kInternal, "sealed key is malformed");
  }
  std::string plain(box.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  const auto* in = U(box);
  if (crypto_secretbox_open_easy(
          reinterpret_cast<unsigned char*>(plain.data()), in + crypto_secretbox_NONCEBYTES,
          box.size() - crypto_secretbox_NONCEBYTES, in, U(key.bytes.view())) != 0) {
    return Fail(ErrorCode::kInternal,
                "cannot open a sealed signing key: wrong master key (ORDO_MASTER_KEY or "
                "master.key) or altered data");
  }
  return SecretString(std::move(plain));
}

}  // namespace ordo::auth
