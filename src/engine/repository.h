#pragma once
// What the engine needs from storage, as an interface so that the runtime is tested against
// an in-memory fake (memory_repository.h) and served from SQL (store/engine_repository.h).
//
// EngineTx is valid only inside the callback of EngineRepository::Write/Read and only on the
// thread that runs the callback. Write runs the callback in one transaction: every change is
// committed when it returns success and rolled back when it returns an error. A write callback
// may be run more than once (a group commit re-runs a batch in which another call failed, see
// store/group_commit.h): only its last run counts, so it keeps its effects in the transaction
// and in what it hands back. Implementations are thread-safe at the EngineRepository level.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "engine/records.h"

namespace ordo::engine {

// Problem slug of the internal "instance row moved under us" conflict; the engine retries the
// whole call on it.
inline constexpr const char* kVersionConflict = "instance-version-conflict";

class EngineTx {
 public:
  virtual ~EngineTx() = default;

  // Definitions. Deleted definitions are invisible to Latest/List; Find returns them with
  // `deleted` set (their instances still need them).
  // `with_xml` = false leaves `xml` empty: the file can be megabytes and most callers only
  // need the parsed definition, which the engine caches.
  virtual Result<std::optional<DefinitionRecord>> FindDefinition(const std::string& id,
                                                                 bool with_xml) = 0;
  virtual Result<std::optional<DefinitionRecord>> LatestDefinition(const std::string& key,
                                                                   bool with_xml) = 0;
  // Highest version ever deployed for `key`, deleted ones included; 0 when none.
  virtual Result<int> MaxDefinitionVersion(const std::string& key) = 0;
  // kConflict / kVersionConflict when (key, version) is taken by a concurrent deployment.
  virtual Status InsertDefinition(const DefinitionRecord& d) = 0;
  virtual Status MarkDefinitionDeleted(const std::string& id, long long at) = 0;
  // Items come without `xml`. Order: key, version.
  virtual Result<Page<DefinitionRecord>> ListDefinitions(const DefinitionFilter& filter,
                                                         const PageRequest& page) = 0;

  // Instances.
  virtual Result<std::optional<InstanceRecord>> FindInstance(const std::string& id) = 0;
  virtual Status InsertInstance(const InstanceRecord& r) = 0;
  // Writes `r` if its row_version is still the stored one, and bumps r.row_version. Fails with
  // kConflict / kVersionConflict otherwise.
  virtual Status UpdateInstance(InstanceRecord& r) = 0;
  // Order: started_at, id.
  virtual Result<Page<InstanceRecord>> ListInstances(const InstanceFilter& filter,
                                                     const PageRequest& page) = 0;
  // Ids of instances of a definition that have not ended (active or failed).
  virtual Result<std::vector<std::string>> UnendedInstanceIds(const std::string& definition_id) = 0;

  // User tasks.
  virtual Result<std::optional<UserTaskRecord>> FindUserTask(const std::string& id) = 0;
  virtual Status InsertUserTask(const UserTaskRecord& t) = 0;
  // Moves an open task to `state`; false when it was not open any more.
  virtual Result<bool> CloseUserTask(const std::string& id, const std::string& state, long long at,
                                     const std::optional<std::string>& actor) = 0;
  // Sets the assignee of an open task. With `only_if_free`, only when it has no assignee or
  // already that one (claim); false when the condition did not hold.
  virtual Result<bool> SetAssignee(const std::string& id, const std::optional<std::string>& user,
                                   bool only_if_free) = 0;
  // Open tasks only. Order: created_at, id.
  virtual Result<Page<UserTaskRecord>> ListUserTasks(const TaskQuery& query,
                                                     const PageRequest& page) = 0;

  // External tasks.
  virtual Result<std::optional<ExternalTaskRecord>> FindExternalTask(const std::string& id) = 0;
  virtual Status InsertExternalTask(const ExternalTaskRecord& t) = 0;
  virtual Result<bool> CloseExternalTask(const std::string& id, const std::string& state) = 0;
  // Open tasks of `topic` that can be locked at `now`, oldest first.
  virtual Result<std::vector<std::string>> FetchableExternalTasks(const std::string& topic,
                                                                  long long now, int limit) = 0;
  // Locks the task to `worker` if it is still open, fetchable and unlocked (or its lock has
  // expired) at `now`: a conditional update, so two callers never both win.
  virtual Result<bool> LockExternalTask(const std::string& id, const std::string& worker,
                                        long long expires_at, long long now) = 0;
  // Records a failure reported by the lock holder and releases the lock.
  virtual Result<bool> FailExternalTask(const std::string& id, const std::string& worker,
                                        int retries, const std::string& message,
                                        long long retry_at) = 0;

  // Incidents and history.
  virtual Status InsertIncident(const IncidentRecord& i) = 0;
  virtual Result<std::vector<IncidentRecord>> ListIncidents(const std::string& instance_id) = 0;
  virtual Status InsertHistory(const HistoryRecord& h) = 0;
  virtual Status CloseHistory(const std::string& id, long long ended_at,
                              const std::optional<std::string>& actor) = 0;
  // Order: seq.
  virtual Result<Page<HistoryRecord>> ListHistory(const std::string& instance_id,
                                                  const PageRequest& page) = 0;
};

class EngineRepository {
 public:
  virtual ~EngineRepository() = default;
  [[nodiscard]] virtual Status Write(const std::function<Status(EngineTx&)>& fn) = 0;
  [[nodiscard]] virtual Status Read(const std::function<Status(EngineTx&)>& fn) = 0;
  // Write without waiting: `done` gets the result once the transaction is committed (or rolled
  // back), possibly later and on another thread, so an I/O thread can serve other requests
  // meanwhile. `fn` must own what it uses (it may run after the caller returned) and, as for
  // Write, may be run more than once (only the last run counts). The default
  // runs it at once on the calling thread.
  virtual void WriteAsync(std::function<Status(EngineTx&)> fn, std::function<void(Status)> done) {
    done(Write(fn));
  }
};

}  // namespace ordo::engine
