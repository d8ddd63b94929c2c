// GroupCommitter on a real SQLite file (or PostgreSQL, see test_database.h): concurrent jobs
// share transactions, each gets its own result, and a failing job does not fail the others.
#include "store/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/test_database.h"

namespace ordo::store {
namespace {

class GroupCommitTest : public testing::Test {
 protected:
  GroupCommitTest() {
    auto st = test_db_.db().Write<void>([](soci::session& s) -> Status {
      s << "CREATE TABLE gc_items (name TEXT PRIMARY KEY, n INTEGER NOT NULL)";
      return {};
    });
    EXPECT_TRUE(st.has_value());
  }
  ~GroupCommitTest() override {
    (void)test_db_.db().Write<void>([](soci::session& s) -> Status {
      s << "DROP TABLE gc_items";
      return {};
    });
  }

  static GroupCommitter::Job Insert(const std::string& name, int n) {
    return [name, n](soci::session& s) -> Status {
      s << "INSERT INTO gc_items (name, n) VALUES (:name, :n)", soci::use(name, "name"),
          soci::use(n, "n");
      return {};
    };
  }

  int Count(const std::string& where = "1 = 1") {
    auto n = test_db_.db().Read<int>([&](soci::session& s) -> Result<int> {
      int count = 0;
      s << "SELECT COUNT(*) FROM gc_items WHERE " + where, soci::into(count);
      return count;
    });
    EXPECT_TRUE(n.has_value());
    return n.value_or(-1);
  }

  TestDatabase test_db_;
};

TEST_F(GroupCommitTest, RunCommitsTheJobAndReturnsItsResult) {
  GroupCommitter committer(test_db_.db());
  EXPECT_TRUE(committer.Run(Insert("a", 1)).has_value());
  EXPECT_EQ(Count(), 1);
  Status failed = committer.Run([](soci::session& s) -> Status {
    s << "INSERT INTO gc_items (name, n) VALUES ('b', 2)";
    return Fail(ErrorCode::kConflict, "changed my mind", "my-problem");
  });
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::kConflict);
  EXPECT_EQ(failed.error().problem, "my-problem");
  EXPECT_EQ(Count(), 1);  // the failed job's insert was rolled back
}

// Jobs queued while the writer is busy are committed together, each told its own result; the
// ones that fail (an error returned, or an SQL error thrown) leave no trace and do not fail
// their neighbours.
TEST_F(GroupCommitTest, JobsQueuedTogetherShareACommitAndFailAlone) {
  GroupCommitter committer(test_db_.db());
  // Hold the writer inside a first job until every other job is queued behind it.
  std::mutex mu;
  std::condition_variable cv;
  bool started = false, release = false;
  std::vector<Status> results(31);
  std::atomic<int> answered{0};
  committer.Submit(
      [&](soci::session&) -> Status {
        std::unique_lock lock(mu);
        started = true;
        cv.notify_all();
        cv.wait(lock, [&] { return release; });
        return {};
      },
      [](Status) {});
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return started; });
  }
  const std::size_t before = committer.batches();
  for (int i = 0; i < 30; ++i) {
    GroupCommitter::Job job = Insert("item" + std::to_string(i), i);
    if (i % 10 == 3) {
      job = [](soci::session& s) -> Status {  // inserts, then fails: must leave nothing
        s << "INSERT INTO gc_items (name, n) VALUES ('ghost', -1)";
        return Fail(ErrorCode::kFailedPrecondition, "no");
      };
    }
    if (i % 10 == 7) job = Insert("item0", 0);  // duplicate key: SQL error thrown
    committer.Submit(std::move(job), [&, i](Status st) {
      results[static_cast<std::size_t>(i)] = std::move(st);
      ++answered;
    });
  }
  std::promise<Status> last;
  committer.Submit(Insert("last", 99), [&](Status st) { last.set_value(std::move(st)); });
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(last.get_future().get().has_value());
  EXPECT_EQ(answered.load(), 30);
  for (int i = 0; i < 30; ++i) {
    const Status& st = results[static_cast<std::size_t>(i)];
    if (i % 10 == 3) {
      ASSERT_FALSE(st.has_value()) << i;
      EXPECT_EQ(st.error().code, ErrorCode::kFailedPrecondition);
    } else if (i % 10 == 7) {
      ASSERT_FALSE(st.has_value()) << i;
      EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
    } else {
      EXPECT_TRUE(st.has_value()) << i << " " << st.error().detail;
    }
  }
  EXPECT_EQ(Count("name LIKE 'item%'"), 24);
  EXPECT_EQ(Count("name = 'ghost'"), 0);
  EXPECT_EQ(Count("name = 'last'"), 1);
  // The first job's batch, then the 30 queued jobs and "last" in one transaction.
  EXPECT_EQ(committer.batches() - before, 2u);
}

TEST_F(GroupCommitTest, ConcurrentCallersEachGetTheirOwnResult) {
  GroupCommitter committer(test_db_.db());
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0}, conflicts{0};
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        // Every thread also tries one name that thread 0 owns: exactly one of them wins it.
        const std::string name =
            i == 0 ? "shared" : "t" + std::to_string(t) + "-" + std::to_string(i);
        Status st = committer.Run(Insert(name, t));
        if (st) {
          ++ok;
        } else {
          ++conflicts;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * (kEach - 1) + 1);
  EXPECT_EQ(conflicts.load(), kThreads - 1);
  EXPECT_EQ(Count(), kThreads * (kEach - 1) + 1);
}

TEST_F(GroupCommitTest, DestructorRunsWhatIsQueued) {
  std::atomic<int> answered{0};
  {
    GroupCommitter committer(test_db_.db());
    for (int i = 0; i < 10; ++i) {
      committer.Submit(Insert("q" + std::to_string(i), i), [&](Status st) {
        EXPECT_TRUE(st.has_value());
        ++answered;
      });
    }
  }
  EXPECT_EQ(answered.load(), 10);
  EXPECT_EQ(Count(), 10);
}

TEST_F(GroupCommitTest, RunFromTheWriterThreadFailsInsteadOfWaitingForItself) {
  GroupCommitter committer(test_db_.db());
  Status inner;
  EXPECT_TRUE(committer
                  .Run([&](soci::session&) -> Status {
                    inner = committer.Run(Insert("nested", 1));
                    return {};
                  })
                  .has_value());
  ASSERT_FALSE(inner.has_value());
  EXPECT_EQ(inner.error().code, ErrorCode::kInternal);
  EXPECT_EQ(Count(), 0);
}

}  // namespace
}  // namespace ordo::store
