#include "engine/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>

#include "engine/time_ordered_id.h"

namespace ordo::engine {

using nlohmann::json;

namespace {

// Bounds durations so that `now + duration` cannot overflow.
constexpr long long kMaxLockMs = 30LL * 24 * 3600 * 1000;

std::unexpected<Error> NotFound(const std::string& what) {
  return Fail(ErrorCode::kNotFound, what);
}

bool LostVersionRace(const Status& st) { return !st && st.error().problem == kVersionConflict; }

// The answer once retries are over: a race still lost is a plain 409 for the caller.
Status AfterRetries(const Status& st) {
  if (LostVersionRace(st)) {
    return Fail(ErrorCode::kConflict, "the process instance was changed concurrently; retry",
                "conflict");
  }
  return st;
}

// Runs an ...Async call and waits for its result (the synchronous API on top of the
// asynchronous one).
template <typename T, typename Call>
Result<T> Wait(Call call) {
  std::promise<Result<T>> promise;
  std::future<Result<T>> future = promise.get_future();
  call([&promise](Result<T> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace

Engine::Engine(EngineRepository& repository, Clock& clock, EngineOptions options)
    : repository_(repository), clock_(clock), options_(std::move(options)) {}

long long Engine::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
      .count();
}

Result<DefinitionPtr> Engine::Parsed(EngineTx& tx, const DefinitionRecord& record) {
  {
    std::lock_guard lock(cache_mutex_);
    auto it = cache_.find(record.id);
    if (it != cache_.end()) return it->second;
  }
  std::string xml = record.xml;
  if (xml.empty()) {  // loaded without its XML: fetch it once for the cache
    auto full = tx.FindDefinition(record.id, /*with_xml=*/true);
    if (!full) return Fail(full.error());
    if (!*full) return Fail(ErrorCode::kInternal, "definition vanished");
    xml = std::move((*full)->xml);
  }
  auto parsed = ParseBpmn(xml, options_.parse);
  if (!parsed) {
    // It parsed at deployment; failing now means the stored XML or the parser changed.
    return Fail(ErrorCode::kInternal,
                fmt::format("stored definition '{}' no longer parses", record.id));
  }
  std::lock_guard lock(cache_mutex_);
  cache_.emplace(record.id, *parsed);
  return *parsed;
}

Status Engine::WriteWithRetry(const std::function<Status(EngineTx&)>& fn) {
  for (int attempt = 0;; ++attempt) {
    Status st = repository_.Write(fn);
    if (!LostVersionRace(st) || attempt >= options_.conflict_retries) return AfterRetries(st);
  }
}

void Engine::WriteWithRetryAsync(std::function<Status(EngineTx&)> fn,
                                 std::function<void(Status)> done, int attempt) {
  auto shared_fn = std::make_shared<std::function<Status(EngineTx&)>>(std::move(fn));
  repository_.WriteAsync([shared_fn](EngineTx& tx) { return (*shared_fn)(tx); },
                         [this, shared_fn, done = std::move(done), attempt](Status st) mutable {
                           if (LostVersionRace(st) && attempt < options_.conflict_retries) {
                             WriteWithRetryAsync(*shared_fn, std::move(done), attempt + 1);
                             return;
                           }
                           done(AfterRetries(st));
                         });
}

Result<InstanceRecord> Engine::LoadInstance(EngineTx& tx, const std::string& id) {
  auto found = tx.FindInstance(id);
  if (!found) return Fail(found.error());
  if (!*found) return NotFound("no such process instance");
  return std::move(**found);
}

Result<DefinitionPtr> Engine::DefinitionOf(EngineTx& tx, const InstanceRecord& instance) {
  {
    // Definitions never change under an id: a cached one needs no query (the hot path of every
    // task completion).
    std::lock_guard lock(cache_mutex_);
    auto it = cache_.find(instance.definition_id);
    if (it != cache_.end()) return it->second;
  }
  auto record = tx.FindDefinition(instance.definition_id, /*with_xml=*/false);
  if (!record) return Fail(record.error());
  if (!*record) return Fail(ErrorCode::kInternal, "the instance's definition is missing");
  return Parsed(tx, **record);
}

Status Engine::Persist(EngineTx& tx, InstanceRecord& instance, const Execution& exec, bool insert) {
  if (insert) {
    if (auto st = tx.InsertInstance(instance); !st) return st;
  } else {
    if (auto st = tx.UpdateInstance(instance); !st) return st;
  }
  for (const UserTaskRecord& t : exec.new_user_tasks) {
    if (auto st = tx.InsertUserTask(t); !st) return st;
  }
  for (const ExternalTaskRecord& t : exec.new_external_tasks) {
    if (auto st = tx.InsertExternalTask(t); !st) return st;
  }
  long long now = NowMs();
  for (const ClosedTask& c : exec.closed_user_tasks) {
    auto closed = tx.CloseUserTask(c.id, c.state, now, c.actor);
    if (!closed) return Fail(closed.error());
    if (!*closed) {
      return Fail(ErrorCode::kConflict, "the task was completed concurrently", kVersionConflict);
    }
  }
  for (const ClosedTask& c : exec.closed_external_tasks) {
    auto closed = tx.CloseExternalTask(c.id, c.state);
    if (!closed) return Fail(closed.error());
    if (!*closed) {
      return Fail(ErrorCode::kConflict, "the task was completed concurrently", kVersionConflict);
    }
  }
  for (const HistoryRecord& h : exec.new_history) {
    if (auto st = tx.InsertHistory(h); !st) return st;
  }
  for (const HistoryClose& h : exec.closed_history) {
    if (auto st = tx.CloseHistory(h.id, h.ended_at, h.actor); !st) return st;
  }
  for (const IncidentRecord& i : exec.incidents) {
    if (auto st = tx.InsertIncident(i); !st) return st;
  }
  return {};
}

// ---- definitions ----

Result<DeployResult> Engine::Deploy(const std::string& xml, const std::string& actor) {
  auto parsed = ParseBpmn(xml, options_.parse);
  if (!parsed) return Fail(parsed.error());
  DeployResult result;
  Status st = WriteWithRetry([&](EngineTx& tx) -> Status {
    auto latest = tx.LatestDefinition((*parsed)->key, /*with_xml=*/true);
    if (!latest) return Fail(latest.error());
    if (*latest && (*latest)->xml == xml) {
      result.definition = std::move(**latest);
      result.created = false;
      return {};
    }
    auto max_version = tx.MaxDefinitionVersion((*parsed)->key);
    if (!max_version) return Fail(max_version.error());
    DefinitionRecord d;
    d.id = TimeOrderedId();
    d.key = (*parsed)->key;
    d.version = *max_version + 1;
    d.name = (*parsed)->name;
    d.xml = xml;
    d.deployed_at = NowMs();
    d.deployed_by = actor;
    if (auto ins = tx.InsertDefinition(d); !ins) return ins;
    result.definition = std::move(d);
    result.created = true;
    return {};
  });
  if (!st) return Fail(st.error());
  if (result.created) {
    std::lock_guard lock(cache_mutex_);
    cache_.emplace(result.definition.id, *parsed);
  }
  return result;
}

Result<Page<DefinitionRecord>> Engine::ListDefinitions(const DefinitionFilter& filter,
                                                       const PageRequest& page) {
  Page<DefinitionRecord> out;
  Status st = repository_.Read([&](EngineTx& tx) -> Status {
    auto got = tx.ListDefinitions(filter, page);
    if (!got) return Fail(got.error());
    out = std::move(*got);
    return {};
  });
  if (!st) return Fail(st.error());
  return out;
}

Result<DefinitionRecord> Engine::GetDefinition(const std::string& id, bool with_xml) {
  DefinitionRecord out;
  Status st = repository_.Read([&](EngineTx& tx) -> Status {
    auto got = tx.FindDefinition(id, with_xml);
    if (!got) return Fail(got.error());
    if (!*got || (*got)->deleted) return NotFound("no such process definition");
    out = std::move(**got);
    return {};
  });
  if (!st) return Fail(st.error());
  return out;
}

Status Engine::DeleteDefinition(const std::string& id, bool cascade, const std::string& actor) {
  Status deleted = WriteWithRetry([&](EngineTx& tx) -> Status {
    auto got = tx.FindDefinition(id, /*with_xml=*/false);
    if (!got) return Fail(got.error());
    if (!*got || (*got)->deleted) return NotFound("no such process definition");
    auto unended = tx.UnendedInstanceIds(id);
    if (!unended) return Fail(unended.error());
    if (!unended->empty() && !cascade) {
      return Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("the definition has {} instance(s) that have not ended; delete with "
                              "cascade=true to cancel them",
                              unended->size()),
                  "definition-in-use");
    }
    auto def = Parsed(tx, **got);
    if (!def) return Fail(def.error());
    for (const std::string& instance_id : *unended) {
      auto instance = LoadInstance(tx, instance_id);
      if (!instance) return Fail(instance.error());
      Execution exec(**def, *instance, NowMs(), actor, options_.step_budget);
      exec.Cancel();
      if (auto st = Persist(tx, *instance, exec, false); !st) return st;
    }
    return tx.MarkDefinitionDeleted(id, NowMs());
  });
  if (deleted) {
    // Its instances have all ended and never move again: the parsed copy is no longer needed.
    std::lock_guard lock(cache_mutex_);
    cache_.erase(id);
  }
  return deleted;
}

// ---- instances ----

Result<InstanceView> Engine::Start(const std::string& key, const json& variables,
                                   const std::optional<std::string>& business_key,
                                   const std::string& actor) {
  return Wait<InstanceView>([&](std::function<void(Result<InstanceView>)> done) {
    StartAsync(key, variables, business_key, actor, std::move(done));
  });
}

void Engine::StartAsync(std::string key, json variables, std::optional<std::string> business_key,
                        std::string actor, std::function<void(Result<InstanceView>)> done) {
  if (!variables.is_object()) {
    done(Fail(ErrorCode::kInvalidArgument, "variables must be a JSON object"));
    return;
  }
  struct State {
    std::string key;
    json variables;
    std::optional<std::string> business_key;
    std::string actor;
    InstanceView view;
  };
  auto state = std::make_shared<State>(
      State{std::move(key), std::move(variables), std::move(business_key), std::move(actor), {}});
  repository_.WriteAsync(
      [this, state](EngineTx& tx) -> Status {
        auto latest = tx.LatestDefinition(state->key, /*with_xml=*/false);
        if (!latest) return Fail(latest.error());
        if (!*latest) {
          return NotFound(fmt::format("no process definition with key '{}'", state->key));
        }
        auto def = Parsed(tx, **latest);
        if (!def) return Fail(def.error());
        InstanceRecord instance;
        instance.id = TimeOrderedId();
        instance.definition_id = (*latest)->id;
        instance.definition_key = (*latest)->key;
        instance.definition_version = (*latest)->version;
        instance.business_key = state->business_key;
        instance.started_at = NowMs();
        instance.started_by = state->actor;
        instance.variables = state->variables;
        Execution exec(**def, instance, instance.started_at, state->actor, options_.step_budget);
        exec.Start();
        if (auto p = Persist(tx, instance, exec, true); !p) return p;
        state->view.instance = std::move(instance);
        state->view.incidents = exec.incidents;
        return {};
      },
      [state, done = std::move(done)](Status st) {
        if (!st) {
          done(Fail(st.error()));
          return;
        }
        done(std::move(state->view));
      });
}

Result<Page<InstanceView>> Engine::ListInstances(const InstanceFilter& filter,
                                                 const PageRequest& page) {
  Page<InstanceView> out;
  Status st = repository_.Read([&](EngineTx& tx) -> Status {
    auto got = tx.ListInstances(filter, page);
    if (!got) return Fail(got.error());
    out.next_cursor = got->next_cursor;
    for (InstanceRecord& r : got->items) {
      auto incidents = tx.ListIncidents(r.id);
      if (!incidents) return Fail(incidents.error());
      out.items.push_back(InstanceView{std::move(r), std::move(*incidents)});
    }
    return {};
  });
  if (!st) return Fail(st.error());
  return out;
}

Result<InstanceView> Engine::GetInstance(const std::string& id) {
  InstanceView view;
  Status st = repository_.Read([&](EngineTx& tx) -> Status {
    auto instance = LoadInstance(tx, id);
    if (!instance) return Fail(instance.error());
    auto incidents = tx.ListIncidents(id);
    if (!incidents) return Fail(incidents.error());
    view.instance = std::move(*instance);
    view.incidents = std::move(*incidents);
    return {};
  });
  if (!st) return Fail(st.error());
  return view;
}

Status Engine::Cancel(const std::string& id, const std::string& actor) {
  return WriteWithRetry([&](EngineTx& tx) -> Status {
    auto instance = LoadInstance(tx, id);
    if (!instance) return Fail(instance.error());
    if (instance->Ended()) {
      return Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("the process instance has already ended ({})", instance->state),
                  "instance-ended");
    }
    auto def = DefinitionOf(tx, *instance);
    if (!def) return Fail(def.error());
    Execution exec(**def, *instance, NowMs(), actor, options_.step_budget);
    exec.Cancel();
    return Persist(tx, *instance, exec, false);
  });
}

Result<json> Engine::GetVariables(const std::string& id) {
  json out;
  Status st = repository_.Read([&](EngineTx& tx) -> Status {
    auto instance = LoadInstance(tx, id);
    if (!instance) return Fail(instance.error());
    out = std::move(instance->variables);
    return {};
  });
  if (!st) return Fail(st.error());
  return out;
}

Status Engine::SetVariable(const std::string& id, const std::string& name, const json& value) {
  if (name.empty() || name.size() > 255) {
    return Fail(ErrorCode::kInvalidArgument, "a variable name has 1 to 255 characters");
  }
  return WriteWithRetry([&](EngineTx& tx) -> Status {
    auto instance = LoadInstance(tx, id);
    if (!instance) return Fail(instance.error());
    if (instance->Ended()) {
      return Fail(ErrorCode::kFailedPrecondition, "the process instance has ended",
                  "instance-ended");
    }
    instance->variables[name] = value;
    return tx.UpdateInstance(*instance);
  });
}

Result<Page<HistoryRecord>> Engine::History(const std::string& id, const PageRequest& page) {
  Page<HistoryRecord> out;
  Status st = repository_.Read([&](EngineTx& tx) -> Status {
    auto instance = LoadInstance(tx, id);
    if (!instance) return Fail(instance.error());
    auto got = tx.ListHistory(id, page);
    if (!got) return Fail(got.error());
    out = std::move(*got);
    return {};
  });
  if (!st) return Fail(st.error());
  return out;
}

// ---- user tasks ----

Result<Page<UserTaskRecord>> Engine::ListTasks(TaskQuery query, const PageRequest& page) {
  if (query.candidate_user && options_.groups_of) {
    query.candidate_user_groups = options_.groups_of(*query.candidate_user);
  }
  Page<UserTaskRecord> out;
  Status st = repository_.Read([&](EngineTx& tx) -> Status {
    auto got = tx.ListUserTasks(query, page);
    if (!got) return Fail(got.error());
    out = std::move(*got);
    return {};
  });
  if (!st) return Fail(st.error());
  return out;
}

namespace {

// An open task the caller may see, or the error to answer.
Result<UserTaskRecord> OpenTask(EngineTx& tx, const std::string& id,
                                const std::optional<Visibility>& visible_to) {
  auto got = tx.FindUserTask(id);
  if (!got) return Fail(got.error());
  if (!*got || (visible_to && !IsVisible(**got, *visible_to))) {
    return Fail(ErrorCode::kNotFound, "no such task");
  }
  if ((*got)->state != kTaskOpen) {
    return Fail(ErrorCode::kConflict, fmt::format("the task is already {}", (*got)->state),
                "task-closed");
  }
  return std::move(**got);
}

}  // namespace

Result<std::pair<UserTaskRecord, json>> Engine::GetTask(
    const std::string& id, const std::optional<Visibility>& visible_to) {
  std::pair<UserTaskRecord, json> out;
  Status st = repository_.Read([&](EngineTx& tx) -> Status {
    auto task = OpenTask(tx, id, visible_to);
    // A closed task has left the task list: to readers it is gone.
    if (!task && task.error().code == ErrorCode::kConflict) return NotFound("no such task");
    if (!task) return Fail(task.error());
    auto instance = LoadInstance(tx, task->instance_id);
    if (!instance) return Fail(instance.error());
    out = {std::move(*task), std::move(instance->variables)};
    return {};
  });
  if (!st) return Fail(st.error());
  return out;
}

Status Engine::Claim(const std::string& id, const std::string& user,
                     const std::optional<Visibility>& visible_to) {
  if (user.empty()) return Fail(ErrorCode::kInvalidArgument, "user must not be empty");
  return repository_.Write([&](EngineTx& tx) -> Status {
    auto task = OpenTask(tx, id, visible_to);
    if (!task) return Fail(task.error());
    auto done = tx.SetAssignee(id, user, /*only_if_free=*/true);
    if (!done) return Fail(done.error());
    if (!*done) {
      return Fail(ErrorCode::kConflict,
                  fmt::format("the task is claimed by '{}'", task->assignee.value_or("")),
                  "task-claimed");
    }
    return {};
  });
}

Status Engine::Unclaim(const std::string& id, const std::optional<Visibility>& visible_to) {
  return repository_.Write([&](EngineTx& tx) -> Status {
    auto task = OpenTask(tx, id, visible_to);
    if (!task) return Fail(task.error());
    // A person may give back only their own claim; programs and admins may release any.
    if (visible_to && task->assignee && *task->assignee != visible_to->user) {
      return Fail(ErrorCode::kConflict, fmt::format("the task is claimed by '{}'", *task->assignee),
                  "task-claimed");
    }
    auto done = tx.SetAssignee(id, std::nullopt, /*only_if_free=*/false);
    if (!done) return Fail(done.error());
    return {};
  });
}

Status Engine::Complete(const std::string& id, const json& variables, const std::string& user,
                        const std::optional<Visibility>& visible_to, bool as_user) {
  return Wait<void>([&](std::function<void(Status)> done) {
    CompleteAsync(id, variables, user, visible_to, as_user, std::move(done));
  });
}

void Engine::CompleteAsync(std::string id, json variables, std::string user,
                           std::optional<Visibility> visible_to, bool as_user,
                           std::function<void(Status)> done) {
  if (!variables.is_null() && !variables.is_object()) {
    done(Fail(ErrorCode::kInvalidArgument, "variables must be a JSON object"));
    return;
  }
  struct Args {
    std::string id;
    json variables;
    std::string user;
    std::optional<Visibility> visible_to;
    bool as_user;
  };
  auto args = std::make_shared<const Args>(
      Args{std::move(id), std::move(variables), std::move(user), std::move(visible_to), as_user});
  WriteWithRetryAsync(
      [this, args](EngineTx& tx) -> Status {
        const std::string& task_id = args->id;
        auto task = OpenTask(tx, task_id, args->visible_to);
        if (!task) return Fail(task.error());
        if (args->as_user && task->assignee && *task->assignee != args->user) {
          return Fail(ErrorCode::kConflict,
                      fmt::format("the task is assigned to '{}'", *task->assignee), "task-claimed");
        }
        auto instance = LoadInstance(tx, task->instance_id);
        if (!instance) return Fail(instance.error());
        auto def = DefinitionOf(tx, *instance);
        if (!def) return Fail(def.error());
        Execution exec(**def, *instance, NowMs(), args->user, options_.step_budget);
        if (auto st = exec.CompleteTask(task_id, args->variables); !st) {
          return Fail(ErrorCode::kConflict, st.error().detail, st.error().problem);
        }
        // The completed task is closed by the execution only if it was waiting; record who did
        // it.
        auto closed = tx.CloseUserTask(task_id, kTaskCompleted, NowMs(), args->user);
        if (!closed) return Fail(closed.error());
        if (!*closed) {
          return Fail(ErrorCode::kConflict, "the task was completed concurrently",
                      kVersionConflict);
        }
        return Persist(tx, *instance, exec, false);
      },
      std::move(done));
}

// ---- external tasks ----

Result<std::vector<LockedExternalTask>> Engine::FetchAndLock(
    const std::string& worker, int max_tasks, const std::vector<TopicRequest>& topics) {
  if (worker.empty()) return Fail(ErrorCode::kInvalidArgument, "workerId must not be empty");
  if (max_tasks < 1 || max_tasks > kMaxPageSize) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("maxTasks must be between 1 and {}", kMaxPageSize));
  }
  for (const TopicRequest& t : topics) {
    if (t.topic.empty()) return Fail(ErrorCode::kInvalidArgument, "topicName must not be empty");
    if (t.lock_duration_ms <= 0 || t.lock_duration_ms > kMaxLockMs) {
      return Fail(ErrorCode::kInvalidArgument,
                  "lockDuration must be a positive number of ms, at most 30 days");
    }
  }
  std::vector<LockedExternalTask> out;
  Status st = repository_.Write([&](EngineTx& tx) -> Status {
    out.clear();
    long long now = NowMs();
    for (const TopicRequest& t : topics) {
      int want = max_tasks - static_cast<int>(out.size());
      if (want <= 0) break;
      auto ids = tx.FetchableExternalTasks(t.topic, now, want);
      if (!ids) return Fail(ids.error());
      for (const std::string& id : *ids) {
        auto locked = tx.LockExternalTask(id, worker, now + t.lock_duration_ms, now);
        if (!locked) return Fail(locked.error());
        if (!*locked) continue;  // another worker was faster
        auto task = tx.FindExternalTask(id);
        if (!task) return Fail(task.error());
        if (!*task) continue;
        auto instance = LoadInstance(tx, (*task)->instance_id);
        if (!instance) return Fail(instance.error());
        out.push_back(LockedExternalTask{std::move(**task), std::move(instance->variables)});
      }
    }
    return {};
  });
  if (!st) return Fail(st.error());
  return out;
}

namespace {

Result<ExternalTaskRecord> LockedTask(EngineTx& tx, const std::string& id,
                                      const std::string& worker) {
  auto got = tx.FindExternalTask(id);
  if (!got) return Fail(got.error());
  if (!*got) return Fail(ErrorCode::kNotFound, "no such external task");
  if ((*got)->state != kTaskOpen) {
    return Fail(ErrorCode::kConflict, fmt::format("the external task is already {}", (*got)->state),
                "task-closed");
  }
  if ((*got)->worker_id.value_or("") != worker) {
    return Fail(ErrorCode::kConflict,
                (*got)->worker_id ? "the external task is locked by another worker"
                                  : "the external task is not locked by this worker",
                "task-locked");
  }
  return std::move(**got);
}

}  // namespace

Status Engine::CompleteExternal(const std::string& id, const std::string& worker,
                                const json& variables) {
  if (!variables.is_null() && !variables.is_object()) {
    return Fail(ErrorCode::kInvalidArgument, "variables must be a JSON object");
  }
  return WriteWithRetry([&](EngineTx& tx) -> Status {
    auto task = LockedTask(tx, id, worker);
    if (!task) return Fail(task.error());
    auto instance = LoadInstance(tx, task->instance_id);
    if (!instance) return Fail(instance.error());
    auto def = DefinitionOf(tx, *instance);
    if (!def) return Fail(def.error());
    Execution exec(**def, *instance, NowMs(), worker, options_.step_budget);
    if (auto st = exec.CompleteTask(id, variables); !st) {
      return Fail(ErrorCode::kConflict, st.error().detail, st.error().problem);
    }
    auto closed = tx.CloseExternalTask(id, kTaskCompleted);
    if (!closed) return Fail(closed.error());
    if (!*closed) {
      return Fail(ErrorCode::kConflict, "the task was completed concurrently", kVersionConflict);
    }
    return Persist(tx, *instance, exec, false);
  });
}

Status Engine::FailExternal(const std::string& id, const std::string& worker,
                            const std::string& message, int retries, long long retry_timeout_ms) {
  if (retries < 0) return Fail(ErrorCode::kInvalidArgument, "retries must not be negative");
  if (retry_timeout_ms < 0 || retry_timeout_ms > kMaxLockMs) {
    return Fail(ErrorCode::kInvalidArgument, "retryTimeout must be 0 to 30 days in ms");
  }
  return repository_.Write([&](EngineTx& tx) -> Status {
    auto task = LockedTask(tx, id, worker);
    if (!task) return Fail(task.error());
    long long now = NowMs();
    std::string text = message.substr(0, 4000);
    auto done = tx.FailExternalTask(id, worker, retries, text, now + retry_timeout_ms);
    if (!done) return Fail(done.error());
    if (!*done) {
      return Fail(ErrorCode::kConflict, "the external task is locked by another worker",
                  "task-locked");
    }
    if (retries == 0) {
      IncidentRecord incident;
      incident.id = TimeOrderedId();
      incident.instance_id = task->instance_id;
      incident.activity_id = task->activity_id;
      incident.message = text.empty() ? "external task failed with no retries left" : text;
      incident.created_at = now;
      return tx.InsertIncident(incident);
    }
    return {};
  });
}

}  // namespace ordo::engine
