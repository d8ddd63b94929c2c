#pragma once
// Web-interface sessions of people (issue 2 item 6): login with username and password
// (argon2id on the worker pool, throttled per username and per address with the same Throttle as
// Basic, an unknown username paying the same hash), server-side sessions with idle and absolute
// expiry, CSRF tokens for unsafe methods, logout.
//
// Tokens are 256-bit random values sent to the browser; the store keeps only their SHA-256, and
// comparisons are constant-time.
//
// Thread-safe. Borrows the database, users, clock and pool; they must outlive it.

#include <chrono>
#include <functional>
#include <string>

#include "auth/password_hash.h"
#include "auth/secrets.h"
#include "auth/tarpit.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/principal.h"
#include "core/worker_pool.h"
#include "store/database.h"
#include "store/session_repository.h"
#include "store/user_repository.h"

namespace ordo::auth {

struct SessionConfig {
  std::chrono::seconds idle{30 * 60};
  std::chrono::seconds absolute{12 * 3600};
  HashParams hash;
};

struct LoginSuccess {
  std::string session_token;  // goes into the cookie
  std::string csrf_token;     // goes into the body; the page sends it back as X-CSRF-Token
  store::UserRecord user;
};

struct ResolvedSession {
  Principal principal;
  store::SessionRecord session;
};

// Why a login failed, for the audit log (the client always sees the same 401).
enum class LoginOutcome {
  kOk,
  kThrottled,
  kOverloaded,
  kUnknownUser,
  kDisabled,
  kWrongPassword,
  kError
};
std::string_view LoginOutcomeName(LoginOutcome o);

class SessionService {
 public:
  using LoginDone = std::function<void(Result<LoginSuccess>, LoginOutcome)>;

  SessionService(store::Database& db, store::UserRepository& users, const Clock& clock,
                 WorkerPool& hash_pool, Throttle& throttle, SessionConfig config);

  // Calls `done` exactly once (inline for overload, on the pool otherwise; a throttled attempt
  // through the tarpit when one is set).
  void Login(std::string username, SecretString password, std::string address, LoginDone done);
  // The person behind a session token, or kUnauthenticated ("session-expired" when it ended).
  // Refreshes last_seen at most once a minute.
  [[nodiscard]] Result<ResolvedSession> Resolve(std::string_view session_token);
  // kPermissionDenied "csrf-token-invalid" unless `header_value` is the session's CSRF token.
  [[nodiscard]] Status CheckCsrf(const store::SessionRecord& session,
                                 std::string_view header_value) const;
  [[nodiscard]] Status Logout(std::string_view session_token);
  // Deletes ended sessions (called now and then).
  [[nodiscard]] Status Sweep();

  // Holds back throttled (429) answers (tarpit.h). Optional; set once before the first Login;
  // borrowed, must outlive the service.
  void SetTarpit(Tarpit* tarpit) { tarpit_ = tarpit; }

  const SessionConfig& config() const { return config_; }
  static Principal PrincipalFor(const store::UserRecord& user);
  // Hex SHA-256 of a token.
  static std::string Digest(std::string_view token);

 private:
  void DecideLogin(const std::string& username, const SecretString& password,
                   const std::string& address, const LoginDone& done);
  void RefuseThrottled(std::chrono::nanoseconds wait, LoginDone done);
  // Stores a new session for `user` (who just logged in) and answers.
  void OpenSession(store::UserRecord user, const std::string& address, const LoginDone& done);

  store::Database& db_;
  store::UserRepository& users_;
  const Clock& clock_;
  WorkerPool& pool_;
  Throttle& throttle_;
  const SessionConfig config_;
  Tarpit* tarpit_ = nullptr;
};

}  // namespace ordo::auth
