#include "auth/access_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "auth/rights.h"
#include "core/ids.h"

namespace ordo::auth {
namespace {

using std::chrono::milliseconds;

long long Ms(TimePoint t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}
TimePoint FromMs(long long ms) { return TimePoint{milliseconds(ms)}; }

constexpr std::size_t kMaxName = 100;

// Counts characters, not bytes: a name of 100 accented letters is fine.
std::size_t Utf8Length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Status ValidateName(const std::string& name) {
  const std::size_t len = Utf8Length(name);
  if (len < 1 || len > kMaxName) {
    return Fail(ErrorCode::kInvalidArgument, "'name' must have 1 to 100 characters");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F) {
      return Fail(ErrorCode::kInvalidArgument, "'name' must not contain control characters");
    }
  }
  return {};
}

// Runs `fn` in a transaction that also bumps the change counter.
Result<bool> CommitChange(store::Database& db, const std::function<Status(soci::session&)>& fn) {
  return db.Write<bool>([&](soci::session& s) -> Result<bool> {
    if (auto st = fn(s); !st) return Fail(st.error());
    if (auto st = store::BumpAccessVersion(s); !st) return Fail(st.error());
    return true;
  });
}

}  // namespace

AccessService::AccessService(store::Database& db, const Clock& clock, LiveAccessTable& table,
                             CredentialCache& cache, HashParams hash_params)
    : db_(db), clock_(clock), table_(table), cache_(cache), hash_params_(hash_params) {}

AccessService::~AccessService() { Stop(); }

LiveAccess AccessService::ToLive(const store::AccessRecord& r) {
  LiveAccess a;
  a.id = r.id;
  a.access_key = r.access_key;
  a.name = r.name;
  a.right = r.right;
  a.scopes = std::set<std::string>(r.scopes.begin(), r.scopes.end());
  a.enabled = r.enabled;
  if (r.expires_at) a.expires_at = FromMs(*r.expires_at);
  a.generation = r.generation;
  a.secret_hash = r.secret_hash;
  a.secret_hint = r.secret_hint;
  a.previous_secret_hash = r.previous_secret_hash;
  a.previous_secret_hint = r.previous_secret_hint;
  if (r.previous_valid_until) a.previous_valid_until = FromMs(*r.previous_valid_until);
  return a;
}

Status AccessService::LoadAll() {
  std::lock_guard lock(change_mu_);
  return ReloadLocked();
}

Status AccessService::ReloadLocked() {
  struct Snapshot {
    long long version = 0;
    std::vector<store::AccessRecord> all;
  };
  auto snap = db_.Read<Snapshot>([](soci::session& s) -> Result<Snapshot> {
    Snapshot out;
    auto v = store::AccessVersion(s);
    if (!v) return Fail(v.error());
    auto all = store::AllAccesses(s);
    if (!all) return Fail(all.error());
    out.version = *v;
    out.all = std::move(*all);
    return out;
  });
  if (!snap) return Fail(snap.error());
  std::vector<LiveAccess> live;
  live.reserve(snap->all.size());
  for (const auto& r : snap->all) live.push_back(ToLive(r));
  for (const auto& key : table_.ReplaceAll(std::move(live))) cache_.Invalidate(key);
  seen_version_ = snap->version;
  return {};
}

void AccessService::Publish(const store::AccessRecord& rec) {
  table_.Upsert(ToLive(rec));
  cache_.Invalidate(rec.access_key);
}

void AccessService::Unpublish(const std::string& access_key) {
  table_.Remove(access_key);
  cache_.Invalidate(access_key);
}

Status AccessService::ResolveScopes(const std::optional<std::string>& right,
                                    const std::optional<std::vector<std::string>>& scopes,
                                    store::AccessRecord& rec) {
  if (right && scopes) {
    return Fail(ErrorCode::kInvalidArgument, "give either 'right' or 'scopes', not both");
  }
  if (right) {
    auto named = ScopesOfRight(*right);
    if (!named) {
      return Fail(ErrorCode::kInvalidArgument,
                  "'right' must be one of reader, operator, designer, admin");
    }
    rec.right = *right;
    rec.scopes = *named;
  } else if (scopes) {
    std::set<std::string> set;
    for (const auto& s : *scopes) {
      if (!IsKnownScope(s)) {
        return Fail(ErrorCode::kInvalidArgument,
                    "'scopes' may only hold processes:read, processes:run, processes:deploy, "
                    "admin");
      }
      set.insert(s);
    }
    if (set.empty()) return Fail(ErrorCode::kInvalidArgument, "'scopes' must not be empty");
    rec.right = RightOfScopes(set);
    rec.scopes.assign(set.begin(), set.end());
  }
  std::sort(rec.scopes.begin(), rec.scopes.end());
  return {};
}

Result<AccessWithSecret> AccessService::Create(const AccessCreate& request,
                                               const AuditActor& actor) {
  if (auto st = ValidateName(request.name); !st) return Fail(st.error());
  if (!request.right && !request.scopes) {
    return Fail(ErrorCode::kInvalidArgument, "'right' (or 'scopes') is required");
  }
  store::AccessRecord rec;
  if (auto st = ResolveScopes(request.right, request.scopes, rec); !st) return Fail(st.error());
  const TimePoint now = clock_.Now();
  if (request.expires_at && *request.expires_at <= now) {
    return Fail(ErrorCode::kInvalidArgument, "'expiresAt' must be in the future");
  }
  SecretString secret(NewSecretKey());
  auto hash = HashPassword(secret.view(), hash_params_);  // before any lock: it is the slow part
  if (!hash) return Fail(hash.error());
  rec.id = NewId();
  rec.access_key = NewAccessKey();
  rec.name = request.name;
  rec.enabled = true;
  rec.generation = 1;
  rec.secret_hash = std::move(*hash);
  rec.secret_hint = SecretHint(secret.view());
  rec.created_at = rec.secret_updated_at = rec.updated_at = Ms(now);
  rec.created_by = actor.name;
  if (request.expires_at) rec.expires_at = Ms(*request.expires_at);

  std::lock_guard lock(change_mu_);
  auto done = CommitChange(db_, [&](soci::session& s) -> Status {
    auto taken = store::AccessNameTaken(s, rec.name, "");
    if (!taken) return Fail(taken.error());
    if (*taken) {
      return Fail(ErrorCode::kAlreadyExists, "an access with that name already exists",
                  "access-name-taken");
    }
    if (auto st = store::InsertAccess(s, rec); !st) return st;
    nlohmann::json detail = {{"name", rec.name}, {"right", rec.right}};
    return store::AppendAuditEvent(s, MakeAuditEvent(clock_, actor, "access.created", "success",
                                                     rec.access_key, detail.dump()));
  });
  if (!done) return Fail(done.error());
  Publish(rec);
  return AccessWithSecret{std::move(rec), std::move(secret)};
}

Result<store::AccessRecord> AccessService::Get(const std::string& access_key) {
  auto r = db_.Read<std::optional<store::AccessRecord>>(
      [&](soci::session& s) { return store::FindAccessByKey(s, access_key); });
  if (!r) return Fail(r.error());
  if (!*r) return Fail(ErrorCode::kNotFound, "no such access");
  return std::move(**r);
}

Result<std::vector<store::AccessRecord>> AccessService::List(const std::string& after_key,
                                                             int limit) {
  return db_.Read<std::vector<store::AccessRecord>>(
      [&](soci::session& s) { return store::ListAccesses(s, after_key, limit); });
}

Result<store::AccessRecord> AccessService::Patch(const std::string& access_key,
                                                 const AccessPatch& patch,
                                                 const AuditActor& actor) {
  if (patch.name) {
    if (auto st = ValidateName(*patch.name); !st) return Fail(st.error());
  }
  const TimePoint now = clock_.Now();
  if (patch.expires_at && *patch.expires_at && **patch.expires_at <= now) {
    return Fail(ErrorCode::kInvalidArgument, "'expiresAt' must be in the future");
  }
  std::lock_guard lock(change_mu_);
  store::AccessRecord rec;
  auto done = CommitChange(db_, [&](soci::session& s) -> Status {
    auto found = store::FindAccessByKey(s, access_key);
    if (!found) return Fail(found.error());
    if (!*found) return Fail(ErrorCode::kNotFound, "no such access");
    rec = std::move(**found);
    nlohmann::json changed = nlohmann::json::array();
    if (patch.name && *patch.name != rec.name) {
      auto taken = store::AccessNameTaken(s, *patch.name, access_key);
      if (!taken) return Fail(taken.error());
      if (*taken) {
        return Fail(ErrorCode::kAlreadyExists, "an access with that name already exists",
                    "access-name-taken");
      }
      rec.name = *patch.name;
      changed.push_back("name");
    }
    if (patch.right || patch.scopes) {
      if (auto st = ResolveScopes(patch.right, patch.scopes, rec); !st) return st;
      changed.push_back("scopes");
    }
    if (patch.enabled) {
      rec.enabled = *patch.enabled;
      changed.push_back("enabled");
    }
    if (patch.expires_at) {
      rec.expires_at.reset();
      if (*patch.expires_at) rec.expires_at = Ms(**patch.expires_at);
      changed.push_back("expiresAt");
    }
    rec.updated_at = Ms(now);
    if (auto st = store::UpdateAccess(s, rec); !st) return st;
    nlohmann::json detail = {{"changed", changed}, {"right", rec.right}, {"enabled", rec.enabled}};
    return store::AppendAuditEvent(
        s, MakeAuditEvent(clock_, actor, "access.updated", "success", access_key, detail.dump()));
  });
  if (!done) return Fail(done.error());
  Publish(rec);
  return rec;
}

Result<AccessWithSecret> AccessService::Regenerate(const std::string& access_key,
                                                   std::chrono::seconds grace,
                                                   const AuditActor& actor) {
  if (grace < std::chrono::seconds(0) || grace > kMaxSecretGrace) {
    return Fail(ErrorCode::kInvalidArgument,
                "'previousSecretValidFor' must be between 0 and 604800 seconds");
  }
  SecretString secret(NewSecretKey());
  auto hash = HashPassword(secret.view(), hash_params_);
  if (!hash) return Fail(hash.error());
  const TimePoint now = clock_.Now();
  std::lock_guard lock(change_mu_);
  store::AccessRecord rec;
  auto done = CommitChange(db_, [&](soci::session& s) -> Status {
    auto found = store::FindAccessByKey(s, access_key);
    if (!found) return Fail(found.error());
    if (!*found) return Fail(ErrorCode::kNotFound, "no such access");
    rec = std::move(**found);
    if (grace.count() > 0) {
      rec.previous_secret_hash = rec.secret_hash;
      rec.previous_secret_hint = rec.secret_hint;
      rec.previous_valid_until = Ms(now + grace);
    } else {
      rec.previous_secret_hash.clear();
      rec.previous_secret_hint.clear();
      rec.previous_valid_until.reset();
    }
    rec.secret_hash = *hash;
    rec.secret_hint = SecretHint(secret.view());
    rec.generation += 1;
    rec.secret_updated_at = rec.updated_at = Ms(now);
    if (auto st = store::UpdateAccess(s, rec); !st) return st;
    nlohmann::json detail = {{"previousSecretValidFor", grace.count()},
                             {"generation", rec.generation}};
    return store::AppendAuditEvent(s, MakeAuditEvent(clock_, actor, "access.secret_regenerated",
                                                     "success", access_key, detail.dump()));
  });
  if (!done) return Fail(done.error());
  Publish(rec);
  return AccessWithSecret{std::move(rec), std::move(secret)};
}

Status AccessService::Delete(const std::string& access_key, const AuditActor& actor) {
  std::lock_guard lock(change_mu_);
  auto done = CommitChange(db_, [&](soci::session& s) -> Status {
    if (auto st = store::DeleteAccess(s, access_key); !st) return st;
    return store::AppendAuditEvent(
        s, MakeAuditEvent(clock_, actor, "access.deleted", "success", access_key));
  });
  if (!done) return Fail(done.error());
  Unpublish(access_key);
  {
    std::lock_guard ul(use_mu_);
    uses_.erase(access_key);
  }
  return {};
}

void AccessService::NoteUse(const std::string& access_key, const std::string& address) {
  const long long now = Ms(clock_.Now());
  std::lock_guard lock(use_mu_);
  Use& u = uses_[access_key];
  u.at_ms = now;
  u.from = address;
  if (now - u.written_ms >= 60'000) u.pending = true;
}

Status AccessService::PollOnce() {
  // 1. Last-used writes, outside the change lock (they are not changes).
  std::vector<std::pair<std::string, Use>> due;
  {
    std::lock_guard lock(use_mu_);
    for (auto& [key, u] : uses_) {
      if (u.pending) {
        due.emplace_back(key, u);
        u.pending = false;
        u.written_ms = u.at_ms;
      }
    }
  }
  if (!due.empty()) {
    auto st = db_.Write<bool>([&](soci::session& s) -> Result<bool> {
      for (const auto& [key, u] : due) {
        if (auto t = store::TouchAccessUse(s, key, u.at_ms, u.from); !t) return Fail(t.error());
      }
      return true;
    });
    if (!st) spdlog::warn("event=access_last_used_write_failed error=\"{}\"", st.error().detail);
  }
  // 2. Changes from other nodes.
  auto version = db_.Read<long long>([](soci::session& s) { return store::AccessVersion(s); });
  if (!version) return Fail(version.error());
  std::lock_guard lock(change_mu_);
  if (*version == seen_version_) return {};
  return ReloadLocked();
}

void AccessService::Start(std::chrono::milliseconds poll_interval) {
  std::lock_guard lock(run_mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this, poll_interval] { Run(poll_interval); });
}

void AccessService::Stop() {
  {
    std::lock_guard lock(run_mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  run_cv_.notify_all();
  thread_.join();
  (void)PollOnce();  // last-used times noted since the last round
}

LiveAccessTable::Ptr AccessService::LoadOne(const std::string& access_key) {
  std::lock_guard lock(change_mu_);
  if (auto live = table_.Find(access_key)) return live;
  auto found = db_.Read<std::optional<store::AccessRecord>>(
      [&](soci::session& s) { return store::FindAccessByKey(s, access_key); });
  if (!found || !*found) return nullptr;
  table_.Upsert(ToLive(**found));
  return table_.Find(access_key);
}

void AccessService::RequestRefresh() {
  {
    std::lock_guard lock(run_mu_);
    refresh_requested_ = true;
  }
  run_cv_.notify_all();
}

void AccessService::Run(std::chrono::milliseconds interval) {
  std::unique_lock lock(run_mu_);
  while (!stopping_) {
    refresh_requested_ = false;
    lock.unlock();
    if (auto st = PollOnce(); !st) {
      spdlog::warn("event=access_refresh_failed error=\"{}\"", st.error().detail);
    }
    lock.lock();
    run_cv_.wait_for(lock, interval, [this] { return stopping_ || refresh_requested_; });
  }
}

}  // namespace ordo::auth
