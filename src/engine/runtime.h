#pragma once
// Token-based execution of one instance, in memory. An Execution takes the instance as loaded,
// moves its tokens until every path waits (user task, external task, parallel join) or ends,
// and records what must be written: new and closed tasks, history entries, incidents. The
// engine service then writes the instance (under its version check) and these changes in the
// same transaction, so a call either moves the instance completely or not at all.
//
// Failures inside the process (an expression error, an exclusive gateway with no flow to take,
// more steps than the budget without reaching a wait state) do not fail the call: they put the
// instance in state "failed" with an incident at the element, close its open tasks, and leave
// the tokens where they stopped for diagnosis.
//
// Not thread-safe; one Execution per call. It borrows the definition and the instance.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "engine/model.h"
#include "engine/records.h"

namespace ordo::engine {

inline constexpr int kDefaultStepBudget = 1000;

struct ClosedTask {
  std::string id;
  std::string state;  // kTaskCompleted or kTaskCancelled
  std::optional<std::string> actor;
};

struct HistoryClose {
  std::string id;
  long long ended_at = 0;
  std::optional<std::string> actor;
};

class Execution {
 public:
  // `actor`: who made the call (recorded in history); `now`: Unix ms.
  Execution(const Definition& definition, InstanceRecord& instance, long long now,
            std::string actor, int step_budget = kDefaultStepBudget);

  // Places a token on the start event and runs. The instance must be fresh.
  void Start();
  // Resumes the token waiting on `task_id` (a user or external task) after merging `variables`
  // (top-level names overwrite). kFailedPrecondition when no token waits on it.
  [[nodiscard]] Status CompleteTask(const std::string& task_id, const nlohmann::json& variables);
  // Ends the instance as cancelled: open tasks are cancelled, open history entries closed.
  void Cancel();

  // Changes to write, in addition to the instance itself.
  std::vector<UserTaskRecord> new_user_tasks;
  std::vector<ExternalTaskRecord> new_external_tasks;
  std::vector<ClosedTask> closed_user_tasks;
  std::vector<ClosedTask> closed_external_tasks;
  std::vector<HistoryRecord> new_history;    // entries entered in this call (maybe also left)
  std::vector<HistoryClose> closed_history;  // entries entered by earlier calls, left now
  std::vector<IncidentRecord> incidents;

 private:
  void Run();
  void Execute(Token token);
  void Enter(Token& token, const Element& element);
  void Leave(Token& token);
  void TakeFlow(const std::string& flow_id);
  void TakeAll(const Element& element);
  void ExecuteExclusive(Token& token, const Element& element);
  void ExecuteParallel(Token token, const Element& element);
  void CreateUserTask(Token& token, const Element& element);
  void CreateExternalTask(Token& token, const Element& element);
  void Terminate(const std::string& final_state);
  void Raise(const std::string& activity_id, const std::string& message);
  void CloseWaitingTask(const Token& token, const std::string& state);
  Result<nlohmann::json> Eval(const Expression& expression) const;

  const Definition& definition_;
  InstanceRecord& instance_;
  long long now_;
  std::string actor_;
  int step_budget_;
  int steps_ = 0;
  std::vector<Token> agenda_;  // tokens arriving at elements, executed in FIFO order
  std::size_t next_ = 0;
};

// Element ids where the instance's tokens are, without duplicates, in token order.
std::vector<std::string> ActiveActivityIds(const InstanceRecord& instance);

}  // namespace ordo::engine
