#pragma once
// The REST access lifecycle (API.md section 2): create, read, change, regenerate, delete, and
// the bookkeeping that makes a change bite at once:
//
// - every change is one transaction: the row, an audit event and the `auth_state` change
//   counter commit together;
// - right after the commit and before the caller answers, the live-access table is updated and
//   the access's cached Basic checks are dropped, so the very next request sees the change;
// - a background thread polls the change counter (default every 500 ms) and reloads the table
//   when another node changed something, so revocations reach every node within a second; the
//   same thread writes `lastUsedAt`/`lastUsedFrom` at most once a minute per access, never on the
//   request path.
//
// Create and Regenerate hash a secret (argon2id, ~16 ms): call them on a worker pool.
// Thread-safe. Borrows the database, clock, table and cache; they must outlive it.

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "auth/audit_log.h"
#include "auth/credential_cache.h"
#include "auth/live_access_table.h"
#include "auth/password_hash.h"
#include "auth/secrets.h"
#include "core/clock.h"
#include "core/error.h"
#include "store/access_repository.h"
#include "store/database.h"

namespace ordo::auth {

struct AccessCreate {
  std::string name;
  std::optional<std::string> right;  // exactly one of right / scopes
  std::optional<std::vector<std::string>> scopes;
  std::optional<TimePoint> expires_at;
};

struct AccessPatch {
  std::optional<std::string> name;
  std::optional<std::string> right;
  std::optional<std::vector<std::string>> scopes;
  std::optional<bool> enabled;
  std::optional<std::optional<TimePoint>> expires_at;  // set to nullopt = never expires
};

// An access with its new secret: the only two moments the secret exists outside the client.
struct AccessWithSecret {
  store::AccessRecord record;
  SecretString secret;
};

inline constexpr std::chrono::seconds kMaxSecretGrace{7 * 24 * 3600};

class AccessService {
 public:
  AccessService(store::Database& db, const Clock& clock, LiveAccessTable& table,
                CredentialCache& cache, HashParams hash_params);
  ~AccessService();
  AccessService(const AccessService&) = delete;
  AccessService& operator=(const AccessService&) = delete;

  // Fills the live-access table from the store (start-up).
  [[nodiscard]] Status LoadAll();
  // Starts the background thread (poll + last-used writes). Idempotent.
  void Start(std::chrono::milliseconds poll_interval = std::chrono::milliseconds(500));
  void Stop();

  // kInvalidArgument for a bad name/right/scopes/expiry; kAlreadyExists for a taken name.
  [[nodiscard]] Result<AccessWithSecret> Create(const AccessCreate& request,
                                                const AuditActor& actor);
  [[nodiscard]] Result<store::AccessRecord> Get(const std::string& access_key);
  [[nodiscard]] Result<std::vector<store::AccessRecord>> List(const std::string& after_key,
                                                              int limit);
  [[nodiscard]] Result<store::AccessRecord> Patch(const std::string& access_key,
                                                  const AccessPatch& patch,
                                                  const AuditActor& actor);
  // `grace`: how long the previous secret keeps working (0 .. kMaxSecretGrace).
  [[nodiscard]] Result<AccessWithSecret> Regenerate(const std::string& access_key,
                                                    std::chrono::seconds grace,
                                                    const AuditActor& actor);
  [[nodiscard]] Status Delete(const std::string& access_key, const AuditActor& actor);

  // Hot path: remembers that the access was used; written by the background thread at most
  // once a minute per access.
  void NoteUse(const std::string& access_key, const std::string& address);

  // One round of the background work (tests call it instead of waiting).
  [[nodiscard]] Status PollOnce();
  // Issue 7: makes the background thread poll now instead of at its next tick (called when the
  // ChangeFeed reports another node's access change). Never blocks.
  void RequestRefresh();
  // Issue 7: reads one access the table does not know (created on another node moments ago,
  // its notification not yet here) from the store and publishes it; null when the store has
  // none either. Under the change lock, so a reload cannot be overtaken by a stale entry.
  LiveAccessTable::Ptr LoadOne(const std::string& access_key);

  static LiveAccess ToLive(const store::AccessRecord& r);

 private:
  // Commits `fn` (with version bump) and, still under the change lock, applies `after` to the
  // table and cache.
  Status ResolveScopes(const std::optional<std::string>& right,
                       const std::optional<std::vector<std::string>>& scopes,
                       store::AccessRecord& rec);
  void Publish(const store::AccessRecord& rec);
  void Unpublish(const std::string& access_key);
  Status ReloadLocked();
  void Run(std::chrono::milliseconds interval);

  store::Database& db_;
  const Clock& clock_;
  LiveAccessTable& table_;
  CredentialCache& cache_;
  const HashParams hash_params_;

  // Serialises "commit + publish" against "read the store + replace the table", so a reload
  // that read the store before a commit can never overwrite the table after it.
  std::mutex change_mu_;
  long long seen_version_ = -1;

  std::mutex use_mu_;
  struct Use {
    long long at_ms = 0;
    std::string from;
    long long written_ms = 0;  // last time written to the store
    bool pending = false;
  };
  std::map<std::string, Use> uses_;

  std::mutex run_mu_;
  std::condition_variable run_cv_;
  bool stopping_ = false;
  bool refresh_requested_ = false;  // issue 7, see RequestRefresh
  std::thread thread_;
};

}  // namespace ordo::auth
