#pragma once
// The process engine service: deployment, instances, user tasks, external tasks, history.
// The api layer calls it with plain data (names of actors, filters, JSON variables); it knows
// nothing of HTTP or authentication. Each call that changes state is one repository
// transaction; a call that loses an optimistic-concurrency race on an instance row is retried
// from the start (re-checking its preconditions), so of two completions of one task exactly
// one succeeds and the other sees "already completed".
//
// Thread-safe: the parsed-definition cache is guarded by a mutex; everything else lives in
// the repository. Borrows the repository and the clock, which must outlive it.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "engine/bpmn_parser.h"
#include "engine/model.h"
#include "engine/records.h"
#include "engine/repository.h"
#include "engine/runtime.h"

namespace ordo::engine {

struct EngineOptions {
  int step_budget = kDefaultStepBudget;
  ParseOptions parse;
  int conflict_retries = 5;
  // Groups of a user, for the candidateUser filter "directly or through a group". Optional:
  // without it only direct candidate users match.
  std::function<std::vector<std::string>(const std::string& user)> groups_of;
};

struct DeployResult {
  DefinitionRecord definition;
  bool created = false;  // false: byte-identical to the latest version, which is returned
};

struct InstanceView {
  InstanceRecord instance;
  std::vector<IncidentRecord> incidents;
};

struct TopicRequest {
  std::string topic;
  long long lock_duration_ms = 0;
};

struct LockedExternalTask {
  ExternalTaskRecord task;
  nlohmann::json variables;
};

class Engine {
 public:
  Engine(EngineRepository& repository, Clock& clock, EngineOptions options = {});

  // Definitions.
  [[nodiscard]] Result<DeployResult> Deploy(const std::string& xml, const std::string& actor);
  [[nodiscard]] Result<Page<DefinitionRecord>> ListDefinitions(const DefinitionFilter& filter,
                                                               const PageRequest& page);
  [[nodiscard]] Result<DefinitionRecord> GetDefinition(const std::string& id, bool with_xml);
  // kFailedPrecondition while unended instances exist, unless `cascade` cancels them.
  [[nodiscard]] Status DeleteDefinition(const std::string& id, bool cascade,
                                        const std::string& actor);

  // Instances.
  [[nodiscard]] Result<InstanceView> Start(const std::string& key, const nlohmann::json& variables,
                                           const std::optional<std::string>& business_key,
                                           const std::string& actor);
  // The same without blocking the caller (for the I/O threads): `done` gets the result once
  // the instance is committed, possibly on another thread (EngineRepository::WriteAsync).
  void StartAsync(std::string key, nlohmann::json variables,
                  std::optional<std::string> business_key, std::string actor,
                  std::function<void(Result<InstanceView>)> done);
  [[nodiscard]] Result<Page<InstanceView>> ListInstances(const InstanceFilter& filter,
                                                         const PageRequest& page);
  [[nodiscard]] Result<InstanceView> GetInstance(const std::string& id);
  [[nodiscard]] Status Cancel(const std::string& id, const std::string& actor);
  [[nodiscard]] Result<nlohmann::json> GetVariables(const std::string& id);
  [[nodiscard]] Status SetVariable(const std::string& id, const std::string& name,
                                   const nlohmann::json& value);
  [[nodiscard]] Result<Page<HistoryRecord>> History(const std::string& id, const PageRequest& page);

  // User tasks. `visible_to`, when set, restricts the call to tasks that caller may see
  // (others are reported as not found).
  [[nodiscard]] Result<Page<UserTaskRecord>> ListTasks(TaskQuery query, const PageRequest& page);
  [[nodiscard]] Result<std::pair<UserTaskRecord, nlohmann::json>> GetTask(
      const std::string& id, const std::optional<Visibility>& visible_to);
  [[nodiscard]] Status Claim(const std::string& id, const std::string& user,
                             const std::optional<Visibility>& visible_to);
  [[nodiscard]] Status Unclaim(const std::string& id, const std::optional<Visibility>& visible_to);
  // `user` is recorded as the actor. With `as_user`, the call acts as that person: a task
  // assigned to someone else is a conflict. Without it (a program acting for nobody in
  // particular), the assignee does not matter.
  [[nodiscard]] Status Complete(const std::string& id, const nlohmann::json& variables,
                                const std::string& user,
                                const std::optional<Visibility>& visible_to, bool as_user = true);
  // The same without blocking the caller; see StartAsync.
  void CompleteAsync(std::string id, nlohmann::json variables, std::string user,
                     std::optional<Visibility> visible_to, bool as_user,
                     std::function<void(Status)> done);

  // External tasks.
  [[nodiscard]] Result<std::vector<LockedExternalTask>> FetchAndLock(
      const std::string& worker, int max_tasks, const std::vector<TopicRequest>& topics);
  [[nodiscard]] Status CompleteExternal(const std::string& id, const std::string& worker,
                                        const nlohmann::json& variables);
  [[nodiscard]] Status FailExternal(const std::string& id, const std::string& worker,
                                    const std::string& message, int retries,
                                    long long retry_timeout_ms);

 private:
  long long NowMs() const;
  // Parsed definition, from the cache or parsed from the stored XML (read through `tx` when
  // `record` came without it).
  Result<DefinitionPtr> Parsed(EngineTx& tx, const DefinitionRecord& record);
  // Runs `fn` in a write transaction, again when it lost a version race.
  Status WriteWithRetry(const std::function<Status(EngineTx&)>& fn);
  // The same without waiting: `done` gets the final result.
  void WriteWithRetryAsync(std::function<Status(EngineTx&)> fn, std::function<void(Status)> done,
                           int attempt = 0);
  // Writes an instance moved by `exec` and everything the execution recorded.
  Status Persist(EngineTx& tx, InstanceRecord& instance, const Execution& exec, bool insert);
  Result<InstanceRecord> LoadInstance(EngineTx& tx, const std::string& id);
  Result<DefinitionPtr> DefinitionOf(EngineTx& tx, const InstanceRecord& instance);

  EngineRepository& repository_;
  Clock& clock_;
  EngineOptions options_;
  std::mutex cache_mutex_;
  std::map<std::string, DefinitionPtr> cache_;  // by definition id; definitions never change
};

}  // namespace ordo::engine
