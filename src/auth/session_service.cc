#include "auth/session_service.h"

#include <sodium.h>

#include <memory>
#include <tuple>

#include "auth/jwt.h"
#include "auth/rights.h"

namespace ordo::auth {
namespace {

using std::chrono::milliseconds;

long long Ms(TimePoint t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

std::string RandomToken() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof(raw));
  std::string out = Base64UrlEncode(std::string_view(reinterpret_cast<char*>(raw), sizeof(raw)));
  sodium_memzero(raw, sizeof(raw));
  return out;
}

Error BadLogin() {
  return Error{ErrorCode::kUnauthenticated, "The username or password is not valid.",
               "invalid-credentials", std::nullopt};
}

Error NoSession() {
  return Error{ErrorCode::kUnauthenticated, "The session has ended; log in again.",
               "session-expired", std::nullopt};
}

}  // namespace

std::string_view LoginOutcomeName(LoginOutcome o) {
  switch (o) {
    case LoginOutcome::kOk:
      return "ok";
    case LoginOutcome::kThrottled:
      return "throttled";
    case LoginOutcome::kOverloaded:
      return "overloaded";
    case LoginOutcome::kUnknownUser:
      return "unknown_user";
    case LoginOutcome::kDisabled:
      return "disabled";
    case LoginOutcome::kWrongPassword:
      return "wrong_password";
    case LoginOutcome::kError:
      return "error";
  }
  return "unknown";
}

SessionService::SessionService(store::Database& db, store::UserRepository& users,
                               const Clock& clock, WorkerPool& hash_pool, Throttle& throttle,
                               SessionConfig config)
    : db_(db),
      users_(users),
      clock_(clock),
      pool_(hash_pool),
      throttle_(throttle),
      config_(config) {}

std::string SessionService::Digest(std::string_view token) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
  return std::string(hex);
}

Principal SessionService::PrincipalFor(const store::UserRecord& user) {
  Principal p;
  p.type = Principal::Type::kUser;
  p.id = user.id;
  p.name = user.username;
  p.display_name = user.display_name;
  p.scopes = UserScopes(user.admin);
  p.groups = user.groups;
  p.admin = user.admin;
  return p;
}

void SessionService::Login(std::string username, SecretString password, std::string address,
                           LoginDone done) {
  if (auto wait = throttle_.RemainingWait(username, address)) {
    return RefuseThrottled(*wait, std::move(done));
  }
  auto task = std::make_shared<std::tuple<std::string, SecretString, std::string, LoginDone>>(
      std::move(username), std::move(password), std::move(address), std::move(done));
  if (!pool_.TrySubmit([this, task] {
        auto& [u, p, a, d] = *task;
        // The answer leaves the (idle-priority) hash thread: see Tarpit::Post.
        DecideLogin(u, p, a, [this, task](Result<LoginSuccess> r, LoginOutcome o) {
          PostOrAnswer(tarpit_, [task, r = std::move(r), o]() mutable {
            std::get<3> (*task)(std::move(r), o);
          });
        });
      })) {
    std::get<3> (*task)(
        Fail(Error{ErrorCode::kUnavailable,
                   "The server is busy checking credentials; retry shortly.", "overloaded", 1}),
        LoginOutcome::kOverloaded);
  }
}

void SessionService::RefuseThrottled(std::chrono::nanoseconds wait, LoginDone done) {
  HoldOrAnswer(tarpit_, wait, [done = std::move(done), e = TooManyAttemptsError(wait)]() mutable {
    done(Fail(std::move(e)), LoginOutcome::kThrottled);
  });
}

void SessionService::DecideLogin(const std::string& username, const SecretString& password,
                                 const std::string& address, const LoginDone& done) {
  // Failures queued earlier may have crossed a threshold while this attempt waited.
  if (auto wait = throttle_.RemainingWait(username, address)) return RefuseThrottled(*wait, done);
  auto found = users_.FindByUsername(username);
  if (!found) {
    done(Fail(found.error()), LoginOutcome::kError);
    return;
  }
  LoginOutcome outcome = LoginOutcome::kWrongPassword;
  bool ok = false;
  if (!*found) {
    BurnDummyVerify(password.view(), config_.hash);  // same cost as a real check
    outcome = LoginOutcome::kUnknownUser;
  } else if (!(*found)->enabled) {
    BurnDummyVerify(password.view(), config_.hash);
    outcome = LoginOutcome::kDisabled;
  } else {
    ok = VerifyPassword((*found)->password_hash, password.view());
  }
  if (!ok) {
    throttle_.RecordFailure(username, address);
    done(Fail(BadLogin()), outcome);
    return;
  }
  throttle_.RecordSuccess(username);
  // The database write leaves the (idle-priority) hash thread too: holding the write lock there,
  // it could be preempted by any busy process while request threads wait for that lock.
  PostOrAnswer(tarpit_, [this, user = std::move(**found), address, done]() mutable {
    OpenSession(std::move(user), address, done);
  });
}

void SessionService::OpenSession(store::UserRecord user, const std::string& address,
                                 const LoginDone& done) {
  const TimePoint now = clock_.Now();
  LoginSuccess out;
  out.session_token = RandomToken();
  out.csrf_token = RandomToken();
  out.user = std::move(user);
  store::SessionRecord rec{
      Digest(out.session_token),  out.user.id, Digest(out.csrf_token), Ms(now), Ms(now),
      Ms(now + config_.absolute), address};
  auto written = db_.Write<bool>([&](soci::session& s) -> Result<bool> {
    if (auto st = store::InsertSession(s, rec); !st) return Fail(st.error());
    return true;
  });
  if (!written) {
    done(Fail(written.error()), LoginOutcome::kError);
    return;
  }
  done(std::move(out), LoginOutcome::kOk);
}

Result<ResolvedSession> SessionService::Resolve(std::string_view session_token) {
  if (session_token.empty() || session_token.size() > 128) return Fail(NoSession());
  const std::string id_hash = Digest(session_token);
  auto found = db_.Read<std::optional<store::SessionRecord>>(
      [&](soci::session& s) { return store::FindSession(s, id_hash); });
  if (!found) return Fail(found.error());
  if (!*found) return Fail(NoSession());
  store::SessionRecord rec = std::move(**found);
  const long long now = Ms(clock_.Now());
  const long long idle_ms = std::chrono::duration_cast<milliseconds>(config_.idle).count();
  if (now >= rec.expires_at || now - rec.last_seen_at >= idle_ms) {
    (void)db_.Write<bool>([&](soci::session& s) -> Result<bool> {
      if (auto st = store::DeleteSession(s, id_hash); !st) return Fail(st.error());
      return true;
    });
    return Fail(NoSession());
  }
  auto user = users_.FindById(rec.user_id);
  if (!user) return Fail(user.error());
  if (!*user || !(*user)->enabled) return Fail(NoSession());
  if (now - rec.last_seen_at >= 60'000) {
    (void)db_.Write<bool>([&](soci::session& s) -> Result<bool> {
      if (auto st = store::TouchSession(s, id_hash, now); !st) return Fail(st.error());
      return true;
    });
    rec.last_seen_at = now;
  }
  return ResolvedSession{PrincipalFor(**user), std::move(rec)};
}

Status SessionService::CheckCsrf(const store::SessionRecord& session,
                                 std::string_view header_value) const {
  const std::string digest = Digest(header_value);
  if (header_value.empty() || digest.size() != session.csrf_hash.size() ||
      sodium_memcmp(digest.data(), session.csrf_hash.data(), digest.size()) != 0) {
    return Fail(ErrorCode::kPermissionDenied,
                "Unsafe requests with a session cookie need the X-CSRF-Token header that the "
                "login returned.",
                "csrf-token-invalid");
  }
  return {};
}

Status SessionService::Logout(std::string_view session_token) {
  const std::string id_hash = Digest(session_token);
  auto r = db_.Write<bool>([&](soci::session& s) -> Result<bool> {
    if (auto st = store::DeleteSession(s, id_hash); !st) return Fail(st.error());
    return true;
  });
  if (!r) return Fail(r.error());
  return {};
}

Status SessionService::Sweep() {
  const long long now = Ms(clock_.Now());
  const long long idle_before =
      now - std::chrono::duration_cast<milliseconds>(config_.idle).count();
  auto r = db_.Write<bool>([&](soci::session& s) -> Result<bool> {
    if (auto st = store::DeleteExpiredSessions(s, now, idle_before); !st) return Fail(st.error());
    return true;
  });
  if (!r) return Fail(r.error());
  return {};
}

}  // namespace ordo::auth
