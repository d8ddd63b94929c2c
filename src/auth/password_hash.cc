#include "auth/password_hash.h"

#include <sodium.h>

#include <map>
#include <mutex>
#include <utility>

namespace ordo::auth {
namespace {

// libsodium wants a NUL-terminated hash string of at most crypto_pwhash_STRBYTES bytes.
bool CopyPhc(std::string_view phc, char (&out)[crypto_pwhash_STRBYTES]) {
  if (phc.empty() || phc.size() >= crypto_pwhash_STRBYTES) return false;
  if (phc.find('\0') != std::string_view::npos) return false;
  phc.copy(out, phc.size());
  out[phc.size()] = '\0';
  return true;
}

bool IsArgon2id(std::string_view phc) { return phc.starts_with("$argon2id$"); }

}  // namespace

Status InitSodium() {
  static const int rc = sodium_init();  // thread-safe static initialisation; < 0 = unusable
  if (rc < 0) return Fail(ErrorCode::kInternal, "crypto library unavailable");
  return {};
}

Result<std::string> HashPassword(std::string_view password, const HashParams& params) {
  if (auto st = InitSodium(); !st) return Fail(st.error());
  if (params.ops_limit < crypto_pwhash_OPSLIMIT_MIN ||
      params.mem_limit < crypto_pwhash_MEMLIMIT_MIN) {
    return Fail(ErrorCode::kInternal, "password hash parameters out of range");
  }
  char out[crypto_pwhash_STRBYTES] = {};
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.ops_limit,
                            params.mem_limit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Fail(ErrorCode::kInternal, "password hashing failed (out of memory?)");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view phc, std::string_view password) {
  if (!InitSodium()) return false;
  char stored[crypto_pwhash_STRBYTES];
  if (!IsArgon2id(phc) || !CopyPhc(phc, stored)) return false;
  return crypto_pwhash_str_verify(stored, password.data(), password.size()) == 0;
}

void BurnDummyVerify(std::string_view password, const HashParams& params) {
  // One dummy hash per parameter set, made once: hashing it anew would cost the hash *and* the
  // verify, i.e. twice the time of a real check.
  static std::mutex mu;
  static std::map<std::pair<unsigned long long, std::size_t>, std::string> dummies;
  std::string phc;
  {
    std::lock_guard lock(mu);
    auto key = std::make_pair(params.ops_limit, params.mem_limit);
    auto it = dummies.find(key);
    if (it == dummies.end()) {
      auto made = HashPassword("ordo-dummy-password", params);
      if (!made) return;
      it = dummies.emplace(key, std::move(*made)).first;
    }
    phc = it->second;
  }
  (void)VerifyPassword(phc, password);
}

bool NeedsRehash(std::string_view phc, const HashParams& params) {
  if (!InitSodium()) return true;
  char stored[crypto_pwhash_STRBYTES];
  if (!IsArgon2id(phc) || !CopyPhc(phc, stored)) return true;
  return crypto_pwhash_str_needs_rehash(stored, params.ops_limit, params.mem_limit) != 0;
}

}  // namespace ordo::auth
