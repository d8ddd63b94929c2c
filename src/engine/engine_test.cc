// Runtime tests: the engine service on the in-memory repository, driven by the BPMN fixtures of
// tests/testdata. No HTTP, no database, time moved by a FakeClock.

#include "engine/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "engine/memory_repository.h"
#ifdef ORDO_ENGINE_SQL_TEST
#include "store/engine_repository.h"
#include "store/test_database.h"
#endif

namespace ordo::engine {
namespace {

using nlohmann::json;

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(ORDO_TESTDATA_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

#ifdef ORDO_ENGINE_SQL_TEST
// The SQL repository on a freshly migrated database.
struct TestRepository {
  store::TestDatabase db;
  store::EngineSqlRepository repo{db.db()};
  engine::EngineRepository& get() { return repo; }
};
#else
struct TestRepository {
  MemoryRepository repo;
  engine::EngineRepository& get() { return repo; }
};
#endif

class EngineTest : public testing::Test {
 protected:
  EngineTest() : engine_(test_repo_.get(), clock_, Options()) {}

  static EngineOptions Options() {
    EngineOptions o;
    o.groups_of = [](const std::string& user) {
      return user == "dave" ? std::vector<std::string>{"managers"} : std::vector<std::string>{};
    };
    return o;
  }

  DefinitionRecord Deploy(const std::string& file) {
    auto d = engine_.Deploy(ReadTestdata(file), "deployer");
    EXPECT_TRUE(d.has_value()) << d.error().detail;
    return d->definition;
  }

  InstanceRecord Start(const std::string& key, json vars = json::object(),
                       const std::string& actor = "bob") {
    auto v = engine_.Start(key, vars, std::nullopt, actor);
    EXPECT_TRUE(v.has_value()) << v.error().detail;
    return v->instance;
  }

  InstanceView Get(const std::string& id) {
    auto v = engine_.GetInstance(id);
    EXPECT_TRUE(v.has_value());
    return *v;
  }

  std::vector<UserTaskRecord> Tasks(const std::string& instance_id) {
    TaskQuery q;
    q.instance_id = instance_id;
    auto page = engine_.ListTasks(q, PageRequest{});
    EXPECT_TRUE(page.has_value());
    return page->items;
  }

  UserTaskRecord OnlyTask(const std::string& instance_id) {
    auto tasks = Tasks(instance_id);
    EXPECT_EQ(tasks.size(), 1u);
    return tasks.empty() ? UserTaskRecord{} : tasks[0];
  }

  std::vector<std::string> HistoryIds(const std::string& instance_id) {
    auto page = engine_.History(instance_id, PageRequest{});
    EXPECT_TRUE(page.has_value());
    std::vector<std::string> ids;
    for (const HistoryRecord& h : page->items) ids.push_back(h.activity_id);
    return ids;
  }

  std::vector<LockedExternalTask> Fetch(const std::string& worker, const std::string& topic,
                                        long long lock_ms = 10'000) {
    auto got = engine_.FetchAndLock(worker, 10, {TopicRequest{topic, lock_ms}});
    EXPECT_TRUE(got.has_value()) << got.error().detail;
    return got.value_or(std::vector<LockedExternalTask>{});
  }

  TestRepository test_repo_;
  FakeClock clock_;
  Engine engine_;
};

using Ids = std::vector<std::string>;

TEST_F(EngineTest, ApprovalApprovedPathRunsToTheEnd) {
  DefinitionRecord def = Deploy("approval.bpmn");
  EXPECT_EQ(def.version, 1);
  InstanceRecord instance = Start("approval", {{"amount", 250}});
  EXPECT_EQ(instance.state, kInstanceActive);
  EXPECT_EQ(ActiveActivityIds(instance), Ids{"review"});
  EXPECT_EQ(instance.variables["starter"], "bob");

  UserTaskRecord review = OnlyTask(instance.id);
  EXPECT_EQ(review.activity_id, "review");
  EXPECT_EQ(review.name, "Review invoice");
  EXPECT_EQ(review.candidate_users, Ids{"carol"});
  EXPECT_EQ(review.candidate_groups, Ids{"managers"});
  EXPECT_EQ(review.priority, 70);
  EXPECT_FALSE(review.assignee.has_value());

  ASSERT_TRUE(engine_.Complete(review.id, {{"approved", true}}, "carol", std::nullopt));
  EXPECT_EQ(ActiveActivityIds(Get(instance.id).instance), Ids{"notify"});
  EXPECT_TRUE(Tasks(instance.id).empty());

  auto locked = Fetch("worker-1", "notify-customer");
  ASSERT_EQ(locked.size(), 1u);
  EXPECT_EQ(locked[0].task.activity_id, "notify");
  EXPECT_EQ(locked[0].task.worker_id, "worker-1");
  EXPECT_EQ(locked[0].variables["approved"], true);
  ASSERT_TRUE(engine_.CompleteExternal(locked[0].task.id, "worker-1", {{"sent", true}}));

  InstanceView done = Get(instance.id);
  EXPECT_EQ(done.instance.state, kInstanceCompleted);
  EXPECT_TRUE(done.instance.ended_at.has_value());
  EXPECT_EQ(done.instance.variables["sent"], true);
  EXPECT_TRUE(ActiveActivityIds(done.instance).empty());
  EXPECT_EQ(HistoryIds(instance.id),
            (Ids{"start", "review", "decision", "notify", "end_approved"}));
  auto history = engine_.History(instance.id, PageRequest{});
  EXPECT_EQ(history->items[1].actor, "carol");
  EXPECT_EQ(history->items[1].activity_type, "userTask");
  EXPECT_EQ(history->items[3].actor, "worker-1");
  EXPECT_EQ(history->items[3].activity_type, "serviceTask");
}

TEST_F(EngineTest, ApprovalDefaultFlowAssignsTheInitiator) {
  Deploy("approval.bpmn");
  InstanceRecord instance = Start("approval", json::object(), "bob");
  ASSERT_TRUE(
      engine_.Complete(OnlyTask(instance.id).id, {{"approved", false}}, "carol", std::nullopt));
  UserTaskRecord rework = OnlyTask(instance.id);
  EXPECT_EQ(rework.activity_id, "rework");
  EXPECT_EQ(rework.assignee, "bob");
  ASSERT_TRUE(engine_.Complete(rework.id, json::object(), "bob", std::nullopt));
  EXPECT_EQ(Get(instance.id).instance.state, kInstanceCompleted);
  EXPECT_EQ(HistoryIds(instance.id),
            (Ids{"start", "review", "decision", "rework", "end_rejected"}));
}

TEST_F(EngineTest, FailingConditionRaisesAnIncident) {
  Deploy("approval.bpmn");
  InstanceRecord instance = Start("approval");
  // No "approved" variable: the condition cannot be evaluated.
  ASSERT_TRUE(engine_.Complete(OnlyTask(instance.id).id, json::object(), "carol", std::nullopt));
  InstanceView view = Get(instance.id);
  EXPECT_EQ(view.instance.state, kInstanceFailed);
  ASSERT_EQ(view.incidents.size(), 1u);
  EXPECT_EQ(view.incidents[0].activity_id, "decision");
  EXPECT_EQ(view.incidents[0].message,
            "condition of sequence flow 'flow_approved' failed: unknown variable 'approved'");
  EXPECT_EQ(ActiveActivityIds(view.instance), Ids{"decision"});
}

TEST_F(EngineTest, GatewayWithNoTrueConditionRaisesAnIncident) {
  Deploy("gateway.bpmn");
  InstanceRecord big = Start("sizes", {{"amount", 5000}});
  EXPECT_EQ(big.state, kInstanceCompleted);
  EXPECT_EQ(HistoryIds(big.id), (Ids{"start", "size", "end_big"}));
  InstanceRecord small = Start("sizes", {{"amount", 3}});
  EXPECT_EQ(HistoryIds(small.id), (Ids{"start", "size", "end_small"}));

  InstanceRecord middle = Start("sizes", {{"amount", 500}});
  InstanceView view = Get(middle.id);
  EXPECT_EQ(view.instance.state, kInstanceFailed);
  ASSERT_EQ(view.incidents.size(), 1u);
  EXPECT_EQ(view.incidents[0].activity_id, "size");
  EXPECT_EQ(view.incidents[0].message,
            "no condition of the gateway's outgoing flows is true and it has no default flow");
}

TEST_F(EngineTest, ConditionOfWrongTypeRaisesAnIncident) {
  Deploy("gateway.bpmn");
  InstanceView view = Get(Start("sizes", {{"amount", "lots"}}).id);
  ASSERT_EQ(view.incidents.size(), 1u);
  EXPECT_EQ(view.incidents[0].message,
            "condition of sequence flow 'big' failed: cannot compare string with number");
}

TEST_F(EngineTest, AFailedInstanceCanBeCancelled) {
  std::string xml = R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
    <process id="half" isExecutable="true">
      <startEvent id="start"/><sequenceFlow id="a" sourceRef="start" targetRef="fork"/>
      <parallelGateway id="fork"/>
      <sequenceFlow id="b" sourceRef="fork" targetRef="wait"/><userTask id="wait"/>
      <sequenceFlow id="c" sourceRef="fork" targetRef="gw"/><exclusiveGateway id="gw"/>
      <sequenceFlow id="d" sourceRef="gw" targetRef="end">
        <conditionExpression>${missing}</conditionExpression></sequenceFlow>
      <endEvent id="end"/>
    </process></definitions>)";
  ASSERT_TRUE(engine_.Deploy(xml, "deployer"));
  InstanceRecord instance = Start("half");
  InstanceView failed = Get(instance.id);
  EXPECT_EQ(failed.instance.state, kInstanceFailed);
  EXPECT_EQ(ActiveActivityIds(failed.instance), (Ids{"wait", "gw"}));
  EXPECT_TRUE(Tasks(instance.id).empty());  // the other branch's task is cancelled with it
  ASSERT_TRUE(engine_.Cancel(instance.id, "admin"));
  EXPECT_EQ(Get(instance.id).instance.state, kInstanceCancelled);
}

TEST_F(EngineTest, ParallelForkAndJoin) {
  Deploy("parallel.bpmn");
  InstanceRecord instance = Start("parallel");
  EXPECT_EQ(ActiveActivityIds(instance), (Ids{"check_credit", "check_stock", "join"}));
  auto tasks = Tasks(instance.id);
  ASSERT_EQ(tasks.size(), 2u);
  const UserTaskRecord& credit = tasks[0].activity_id == "check_credit" ? tasks[0] : tasks[1];
  const UserTaskRecord& stock = tasks[0].activity_id == "check_credit" ? tasks[1] : tasks[0];
  EXPECT_EQ(credit.assignee, "alice");
  EXPECT_EQ(stock.candidate_groups, (Ids{"warehouse", "sales"}));

  ASSERT_TRUE(engine_.Complete(credit.id, {{"credit", "ok"}}, "alice", std::nullopt));
  InstanceRecord mid = Get(instance.id).instance;
  EXPECT_EQ(mid.state, kInstanceActive);
  EXPECT_EQ(ActiveActivityIds(mid), (Ids{"check_stock", "join"}));

  ASSERT_TRUE(engine_.Complete(stock.id, {{"stock", "ok"}}, "sam", std::nullopt));
  InstanceRecord done = Get(instance.id).instance;
  EXPECT_EQ(done.state, kInstanceCompleted);
  Ids history = HistoryIds(instance.id);
  EXPECT_EQ(std::count(history.begin(), history.end(), "join"), 1);
  EXPECT_EQ(std::count(history.begin(), history.end(), "fork"), 1);
  EXPECT_EQ(history.back(), "end");
  EXPECT_EQ(history.size(), 7u);
}

TEST_F(EngineTest, EndlessLoopIsStoppedByTheStepBudget) {
  Deploy("loop.bpmn");
  InstanceRecord instance = Start("loop", {{"forever", true}});
  InstanceView view = Get(instance.id);
  EXPECT_EQ(view.instance.state, kInstanceFailed);
  ASSERT_EQ(view.incidents.size(), 1u);
  EXPECT_EQ(view.incidents[0].message,
            "step budget of 1000 exceeded without reaching a wait state (endless loop?)");
  // The same process without the loop condition ends normally.
  EXPECT_EQ(Start("loop", {{"forever", false}}).state, kInstanceCompleted);
}

TEST_F(EngineTest, TerminateEndEventCancelsOtherPaths) {
  Deploy("terminate.bpmn");
  InstanceRecord instance = Start("terminate");
  EXPECT_EQ(instance.state, kInstanceCompleted);
  EXPECT_TRUE(Tasks(instance.id).empty());
  TaskQuery all;
  EXPECT_TRUE(engine_.ListTasks(all, PageRequest{})->items.empty());
}

TEST_F(EngineTest, CancelClosesTasksAndRefusesASecondTime) {
  Deploy("approval.bpmn");
  InstanceRecord instance = Start("approval");
  std::string task_id = OnlyTask(instance.id).id;
  ASSERT_TRUE(engine_.Cancel(instance.id, "admin"));
  InstanceView view = Get(instance.id);
  EXPECT_EQ(view.instance.state, kInstanceCancelled);
  EXPECT_TRUE(ActiveActivityIds(view.instance).empty());
  EXPECT_TRUE(Tasks(instance.id).empty());
  auto again = engine_.Cancel(instance.id, "admin");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  auto complete = engine_.Complete(task_id, json::object(), "carol", std::nullopt);
  ASSERT_FALSE(complete);
  EXPECT_EQ(complete.error().code, ErrorCode::kConflict);
  auto history = engine_.History(instance.id, PageRequest{});
  EXPECT_EQ(history->items.back().activity_id, "review");
  EXPECT_EQ(history->items.back().actor, "admin");
}

TEST_F(EngineTest, CompletingTwiceConflicts) {
  Deploy("approval.bpmn");
  InstanceRecord instance = Start("approval");
  std::string task_id = OnlyTask(instance.id).id;
  ASSERT_TRUE(engine_.Complete(task_id, {{"approved", false}}, "carol", std::nullopt));
  auto second = engine_.Complete(task_id, {{"approved", true}}, "carol", std::nullopt);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(second.error().detail, "the task is already completed");
  auto missing = engine_.Complete("nope", json::object(), "carol", std::nullopt);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(EngineTest, ConcurrentCompletionsExactlyOneWins) {
  Deploy("approval.bpmn");
  InstanceRecord instance = Start("approval");
  std::string task_id = OnlyTask(instance.id).id;
  std::atomic<int> ok{0}, conflict{0};
  std::vector<std::thread> threads;
  threads.reserve(20);
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      auto st = engine_.Complete(task_id, {{"approved", i % 2 == 0}}, "carol", std::nullopt);
      if (st) {
        ++ok;
      } else if (st.error().code == ErrorCode::kConflict) {
        ++conflict;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), 19);
  Ids history = HistoryIds(instance.id);
  EXPECT_EQ(std::count(history.begin(), history.end(), "decision"), 1);
}

TEST_F(EngineTest, ClaimUnclaim) {
  Deploy("approval.bpmn");
  std::string task_id = OnlyTask(Start("approval").id).id;
  ASSERT_TRUE(engine_.Claim(task_id, "alice", std::nullopt));
  ASSERT_TRUE(engine_.Claim(task_id, "alice", std::nullopt));  // idempotent for the holder
  auto taken = engine_.Claim(task_id, "bob", std::nullopt);
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
  EXPECT_EQ(taken.error().detail, "the task is claimed by 'alice'");
  auto other = engine_.Complete(task_id, json::object(), "bob", std::nullopt);
  EXPECT_EQ(other.error().code, ErrorCode::kConflict);
  ASSERT_TRUE(engine_.Unclaim(task_id, std::nullopt));
  ASSERT_TRUE(engine_.Claim(task_id, "bob", std::nullopt));
  EXPECT_EQ(engine_.GetTask(task_id, std::nullopt)->first.assignee, "bob");
  // A program acting for nobody in particular completes whoever holds the task.
  ASSERT_TRUE(engine_.Complete(task_id, {{"approved", false}}, "robot", std::nullopt,
                               /*as_user=*/false));
  EXPECT_FALSE(engine_.GetTask(task_id, std::nullopt).has_value());
}

TEST_F(EngineTest, VisibilityAndCandidateFilters) {
  Deploy("approval.bpmn");
  InstanceRecord instance = Start("approval", {{"amount", 1}});
  std::string task_id = OnlyTask(instance.id).id;

  auto list = [&](TaskQuery q) { return engine_.ListTasks(q, PageRequest{})->items.size(); };
  TaskQuery by_group;
  by_group.candidate_group = "managers";
  EXPECT_EQ(list(by_group), 1u);
  TaskQuery through_group;
  through_group.candidate_user = "dave";  // a member of "managers"
  EXPECT_EQ(list(through_group), 1u);
  TaskQuery direct;
  direct.candidate_user = "carol";
  EXPECT_EQ(list(direct), 1u);
  TaskQuery stranger;
  stranger.candidate_user = "eve";
  EXPECT_EQ(list(stranger), 0u);

  Visibility manager{"dave", {"managers"}};
  Visibility outsider{"eve", {"staff"}};
  EXPECT_TRUE(engine_.GetTask(task_id, manager).has_value());
  EXPECT_EQ(engine_.GetTask(task_id, outsider).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(engine_.Complete(task_id, json::object(), "eve", outsider).error().code,
            ErrorCode::kNotFound);
  // A person gives back only their own claim.
  ASSERT_TRUE(engine_.Claim(task_id, "carol", std::nullopt));
  EXPECT_EQ(engine_.Unclaim(task_id, manager).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(engine_.Unclaim(task_id, Visibility{"carol", {}}));
  auto got = engine_.GetTask(task_id, std::nullopt);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->second["amount"], 1);
}

TEST_F(EngineTest, RunningInstancesStayOnTheirVersion) {
  DefinitionRecord v1 = Deploy("approval.bpmn");
  InstanceRecord old = Start("approval");

  auto same = engine_.Deploy(ReadTestdata("approval.bpmn"), "deployer");
  ASSERT_TRUE(same);
  EXPECT_FALSE(same->created);
  EXPECT_EQ(same->definition.id, v1.id);

  // Version 2 drops the gateway: review goes straight to the end.
  std::string v2_xml = R"(<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
  <process id="approval" name="Invoice approval v2" isExecutable="true">
    <startEvent id="start"/><sequenceFlow id="a" sourceRef="start" targetRef="review"/>
    <userTask id="review"/><sequenceFlow id="b" sourceRef="review" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>)";
  auto v2 = engine_.Deploy(v2_xml, "deployer");
  ASSERT_TRUE(v2);
  EXPECT_TRUE(v2->created);
  EXPECT_EQ(v2->definition.version, 2);
  InstanceRecord fresh = Start("approval");
  EXPECT_EQ(fresh.definition_version, 2);
  EXPECT_EQ(old.definition_version, 1);

  ASSERT_TRUE(engine_.Complete(OnlyTask(old.id).id, {{"approved", false}}, "carol", std::nullopt));
  EXPECT_EQ(OnlyTask(old.id).activity_id, "rework");  // still the version 1 path
  ASSERT_TRUE(engine_.Complete(OnlyTask(fresh.id).id, json::object(), "carol", std::nullopt));
  EXPECT_EQ(Get(fresh.id).instance.state, kInstanceCompleted);

  auto latest = engine_.ListDefinitions(DefinitionFilter{}, PageRequest{});
  ASSERT_EQ(latest->items.size(), 1u);
  EXPECT_EQ(latest->items[0].version, 2);
  auto all = engine_.ListDefinitions(DefinitionFilter{"approval", true}, PageRequest{});
  EXPECT_EQ(all->items.size(), 2u);
}

TEST_F(EngineTest, ExternalTaskLockConflictExpiryAndRetriesToIncident) {
  Deploy("external.bpmn");
  InstanceRecord instance = Start("payment", {{"card", "4242"}});
  auto first = Fetch("w1", "charge-card", 5'000);
  ASSERT_EQ(first.size(), 1u);
  std::string id = first[0].task.id;
  EXPECT_EQ(first[0].variables["card"], "4242");
  EXPECT_TRUE(Fetch("w2", "charge-card").empty());  // locked

  auto stolen = engine_.CompleteExternal(id, "w2", json::object());
  ASSERT_FALSE(stolen);
  EXPECT_EQ(stolen.error().code, ErrorCode::kConflict);

  clock_.Advance(std::chrono::milliseconds(5'001));  // the lock expires
  auto second = Fetch("w2", "charge-card");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].task.id, id);
  auto late = engine_.CompleteExternal(id, "w1", json::object());
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::kConflict);

  // A failure with retries left: fetchable again after the retry timeout.
  ASSERT_TRUE(engine_.FailExternal(id, "w2", "card declined", 1, 2'000));
  EXPECT_TRUE(Fetch("w3", "charge-card").empty());
  clock_.Advance(std::chrono::milliseconds(2'000));
  auto third = Fetch("w3", "charge-card");
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].task.retries, 1);
  EXPECT_EQ(third[0].task.error_message, "card declined");

  // No retries left: an incident on the instance, and nobody gets the task again.
  ASSERT_TRUE(engine_.FailExternal(id, "w3", "card declined again", 0, 0));
  InstanceView view = Get(instance.id);
  ASSERT_EQ(view.incidents.size(), 1u);
  EXPECT_EQ(view.incidents[0].activity_id, "charge");
  EXPECT_EQ(view.incidents[0].message, "card declined again");
  EXPECT_EQ(view.instance.state, kInstanceActive);
  clock_.Advance(std::chrono::hours(1));
  EXPECT_TRUE(Fetch("w4", "charge-card").empty());
}

TEST_F(EngineTest, ConcurrentFetchesNeverHandOutATaskTwice) {
  Deploy("external.bpmn");
  for (int i = 0; i < 12; ++i) Start("payment");
  std::mutex mutex;
  std::vector<std::string> handed_out;
  std::vector<std::thread> threads;
  threads.reserve(6);
  for (int w = 0; w < 6; ++w) {
    threads.emplace_back([&, w] {
      auto got =
          engine_.FetchAndLock("w" + std::to_string(w), 4, {TopicRequest{"charge-card", 60'000}});
      ASSERT_TRUE(got.has_value()) << got.error().detail;
      std::lock_guard lock(mutex);
      for (const auto& t : *got) handed_out.push_back(t.task.id);
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& t : Fetch("late", "charge-card")) handed_out.push_back(t.task.id);
  std::sort(handed_out.begin(), handed_out.end());
  EXPECT_EQ(std::adjacent_find(handed_out.begin(), handed_out.end()), handed_out.end());
  EXPECT_EQ(handed_out.size(), 12u);
}

TEST_F(EngineTest, ExternalTaskCompletionMovesToZeebeUserTask) {
  Deploy("external.bpmn");
  InstanceRecord instance = Start("payment", json::object(), "zoe");
  auto locked = Fetch("w1", "charge-card");
  ASSERT_EQ(locked.size(), 1u);
  ASSERT_TRUE(engine_.CompleteExternal(locked[0].task.id, "w1", {{"charged", 42}}));
  UserTaskRecord confirm = OnlyTask(instance.id);
  EXPECT_EQ(confirm.assignee, "zoe");
  EXPECT_EQ(confirm.candidate_groups, Ids{"finance"});
  auto again = engine_.CompleteExternal(locked[0].task.id, "w1", json::object());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST_F(EngineTest, DeleteDefinitionNeedsCascadeWhileInstancesRun) {
  DefinitionRecord def = Deploy("approval.bpmn");
  InstanceRecord instance = Start("approval");
  auto refused = engine_.DeleteDefinition(def.id, false, "admin");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(engine_.DeleteDefinition(def.id, true, "admin"));
  EXPECT_EQ(Get(instance.id).instance.state, kInstanceCancelled);
  EXPECT_EQ(engine_.GetDefinition(def.id, false).error().code, ErrorCode::kNotFound);
  auto start = engine_.Start("approval", json::object(), std::nullopt, "bob");
  EXPECT_EQ(start.error().code, ErrorCode::kNotFound);
  // Deploying the key again continues the version numbers.
  EXPECT_EQ(Deploy("approval.bpmn").version, 2);
}

TEST_F(EngineTest, AnotherEngineOnTheSameStoreContinuesTheInstance) {
  // A restarted server (or another node) has an empty definition cache: it reads the XML back.
  DefinitionRecord def = Deploy("approval.bpmn");
  InstanceRecord instance = Start("approval");
  Engine other(test_repo_.get(), clock_, Options());
  TaskQuery q;
  q.instance_id = instance.id;
  auto tasks = other.ListTasks(q, PageRequest{});
  ASSERT_EQ(tasks->items.size(), 1u);
  ASSERT_TRUE(other.Complete(tasks->items[0].id, {{"approved", false}}, "carol", std::nullopt));
  EXPECT_EQ(OnlyTask(instance.id).activity_id, "rework");
  auto with_xml = other.GetDefinition(def.id, true);
  ASSERT_TRUE(with_xml);
  EXPECT_EQ(with_xml->xml, ReadTestdata("approval.bpmn"));
  EXPECT_TRUE(other.GetDefinition(def.id, false)->xml.empty());
}

TEST_F(EngineTest, ConcurrentDeploymentsGetDistinctVersions) {
  std::vector<std::thread> threads;
  threads.reserve(5);
  std::mutex mutex;
  std::vector<int> versions;
  for (int i = 0; i < 5; ++i) {
    threads.emplace_back([&, i] {
      std::string xml = ReadTestdata("approval.bpmn");
      xml.replace(xml.find("Invoice approval"), 16, "Invoice approval " + std::to_string(i));
      auto d = engine_.Deploy(xml, "deployer");
      ASSERT_TRUE(d.has_value()) << d.error().detail;
      std::lock_guard lock(mutex);
      versions.push_back(d->definition.version);
    });
  }
  for (auto& t : threads) t.join();
  std::sort(versions.begin(), versions.end());
  EXPECT_EQ(versions, (std::vector<int>{1, 2, 3, 4, 5}));
}

TEST_F(EngineTest, StartRefusals) {
  EXPECT_EQ(engine_.Start("nope", json::object(), std::nullopt, "bob").error().code,
            ErrorCode::kNotFound);
  Deploy("approval.bpmn");
  EXPECT_EQ(engine_.Start("approval", json::array(), std::nullopt, "bob").error().code,
            ErrorCode::kInvalidArgument);
}

TEST_F(EngineTest, AssignmentExpressionFailureRaisesAnIncident) {
  std::string xml = R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
      xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
    <process id="assign" isExecutable="true">
      <startEvent id="start"/><sequenceFlow id="a" sourceRef="start" targetRef="t"/>
      <userTask id="t" camunda:assignee="${owner.name}"/>
    </process></definitions>)";
  ASSERT_TRUE(engine_.Deploy(xml, "deployer"));
  InstanceView view = Get(Start("assign", {{"owner", nullptr}}).id);
  EXPECT_EQ(view.instance.state, kInstanceFailed);
  ASSERT_EQ(view.incidents.size(), 1u);
  EXPECT_EQ(view.incidents[0].activity_id, "t");
  EXPECT_EQ(view.incidents[0].message, "assignee: cannot read property 'name' of null");
  InstanceView ok = Get(Start("assign", {{"owner", {{"name", "kim"}}}}).id);
  EXPECT_EQ(OnlyTask(ok.instance.id).assignee, "kim");
}

TEST_F(EngineTest, VariablesAndPaging) {
  Deploy("approval.bpmn");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(Start("approval", {{"n", i}}).id);
    clock_.Advance(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(engine_.SetVariable(ids[0], "note", {{"text", "hi"}}));
  EXPECT_EQ((*engine_.GetVariables(ids[0]))["note"]["text"], "hi");

  auto first = engine_.ListInstances(InstanceFilter{}, PageRequest{2, ""});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].instance.id, ids[0]);
  ASSERT_TRUE(first->next_cursor.has_value());
  auto second = engine_.ListInstances(InstanceFilter{}, PageRequest{2, *first->next_cursor});
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].instance.id, ids[2]);
  EXPECT_FALSE(second->next_cursor.has_value());
  EXPECT_EQ(engine_.ListInstances(InstanceFilter{}, PageRequest{2, "zz"}).error().code,
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ordo::engine
