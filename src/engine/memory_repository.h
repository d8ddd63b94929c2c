#pragma once
// In-memory EngineRepository for unit tests: the same contract as the SQL repository
// (conditional updates, version checks, keyset paging), with Write transactions made atomic
// by copying the state and restoring it on error. Thread-safe: one mutex serialises all calls,
// like SQLite's single writer.

#include <map>
#include <mutex>
#include <string>

#include "engine/repository.h"

namespace ordo::engine {

class MemoryRepository final : public EngineRepository {
 public:
  Status Write(const std::function<Status(EngineTx&)>& fn) override;
  Status Read(const std::function<Status(EngineTx&)>& fn) override;

  struct State {
    std::map<std::string, DefinitionRecord> definitions;
    std::map<std::string, InstanceRecord> instances;
    std::map<std::string, UserTaskRecord> user_tasks;
    std::map<std::string, ExternalTaskRecord> external_tasks;
    std::vector<IncidentRecord> incidents;
    std::map<std::string, HistoryRecord> history;
  };

  // For assertions in tests (not synchronised with running calls).
  const State& state() const { return state_; }

 private:
  std::mutex mutex_;
  State state_;
};

}  // namespace ordo::engine
