#include "store/pg_notify.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "store/test_database.h"

namespace ordo::store {
namespace {

using namespace std::chrono_literals;

// Collects payloads delivered on the feed's thread; waits for them without fixed sleeps.
class Inbox {
 public:
  ChangeFeed::Handler Handler() {
    return [this](const std::string& payload) {
      std::lock_guard lock(mu_);
      payloads_.push_back(payload);
      cv_.notify_all();
    };
  }
  // True when a payload equal to `want` arrived within `timeout`.
  bool WaitFor(const std::string& want, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      for (const auto& p : payloads_) {
        if (p == want) return true;
      }
      return false;
    });
  }
  int Count(const std::string& want) {
    std::lock_guard lock(mu_);
    int n = 0;
    for (const auto& p : payloads_) n += p == want;
    return n;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> payloads_;
};

const char* PostgresUrl() {
  const char* url = std::getenv("ORDO_TEST_POSTGRES_URL");
  return url != nullptr && *url != '\0' ? url : nullptr;
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

TEST(ChangeFeedTest, ChannelNames) {
  EXPECT_TRUE(ValidChannel("ordo_access"));
  EXPECT_TRUE(ValidChannel("_x1"));
  EXPECT_FALSE(ValidChannel(""));
  EXPECT_FALSE(ValidChannel("1abc"));
  EXPECT_FALSE(ValidChannel("Ordo"));
  EXPECT_FALSE(ValidChannel("a; DROP TABLE x"));
  EXPECT_FALSE(ValidChannel(std::string(64, 'a')));
}

TEST(ChangeFeedTest, LocalFeedDeliversToTheChannelsSubscribers) {
  LocalChangeFeed feed;
  Inbox a, b;
  feed.Subscribe("one", a.Handler());
  feed.Subscribe("two", b.Handler());
  ASSERT_TRUE(feed.Publish("one", "hello"));
  EXPECT_EQ(a.Count("hello"), 1);
  EXPECT_EQ(b.Count("hello"), 0);
  feed.Stop();
  ASSERT_TRUE(feed.Publish("one", "late"));
  EXPECT_EQ(a.Count("late"), 0);
}

TEST(ChangeFeedTest, NotifyInTransactionIsANoOpOnSqlite) {
  if (PostgresUrl() != nullptr) GTEST_SKIP() << "SQLite only";
  TestDatabase t;
  auto r = t.db().Write<bool>([](soci::session& s) -> Result<bool> {
    if (auto st = NotifyInTransaction(s, "ordo_access", "x"); !st) return Fail(st.error());
    return true;
  });
  EXPECT_TRUE(r.has_value());
}

TEST(ChangeFeedTest, PgDeliversOnCommitOnlyAndToEveryListener) {
  const char* url = PostgresUrl();
  if (url == nullptr) GTEST_SKIP() << "needs ORDO_TEST_POSTGRES_URL";
  TestDatabase t;
  Inbox a, b;  // before the feeds: destroyed after their threads stopped
  PgChangeFeed node_a(url), node_b(url);
  node_a.Subscribe("ordo_feed_test", a.Handler());
  node_b.Subscribe("ordo_feed_test", b.Handler());
  ASSERT_TRUE(WaitUntil([&] { return node_a.connected() && node_b.connected(); }, 10s));
  // The (re)connect signal: every subscriber is told to re-read.
  ASSERT_TRUE(a.WaitFor("", 2s));

  // Rolled back: never delivered.
  auto rolled = t.db().Write<bool>([](soci::session& s) -> Result<bool> {
    if (auto st = NotifyInTransaction(s, "ordo_feed_test", "rolled-back"); !st) {
      return Fail(st.error());
    }
    return Fail(ErrorCode::kConflict, "roll back");
  });
  ASSERT_FALSE(rolled.has_value());
  auto committed = t.db().Write<bool>([](soci::session& s) -> Result<bool> {
    if (auto st = NotifyInTransaction(s, "ordo_feed_test", "committed"); !st) {
      return Fail(st.error());
    }
    return true;
  });
  ASSERT_TRUE(committed.has_value());
  const auto sent = std::chrono::steady_clock::now();
  ASSERT_TRUE(a.WaitFor("committed", 2s));
  ASSERT_TRUE(b.WaitFor("committed", 2s));
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 1s);
  // Notifications are delivered in commit order, so "rolled-back" would have come first.
  EXPECT_EQ(a.Count("rolled-back"), 0);
  EXPECT_EQ(b.Count("rolled-back"), 0);

  ASSERT_TRUE(node_a.Publish("ordo_feed_test", "direct"));
  EXPECT_TRUE(b.WaitFor("direct", 2s));
}

TEST(ChangeFeedTest, PgListenerReconnectsAfterItsConnectionIsKilled) {
  const char* url = PostgresUrl();
  if (url == nullptr) GTEST_SKIP() << "needs ORDO_TEST_POSTGRES_URL";
  TestDatabase t;
  Inbox in;  // before the feed: destroyed after its thread stopped
  PgChangeFeed feed(url);
  feed.Subscribe("ordo_feed_reconnect", in.Handler());
  ASSERT_TRUE(WaitUntil([&] { return feed.connected(); }, 10s));
  ASSERT_EQ(feed.connections(), 1);

  auto killed = t.db().Read<int>([](soci::session& s) -> Result<int> {
    int n = 0;
    s << "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
         "WHERE application_name = 'ordo-change-feed' AND datname = current_database()",
        soci::into(n);
    return n;
  });
  ASSERT_TRUE(killed.has_value());
  ASSERT_GE(*killed, 1);
  ASSERT_TRUE(WaitUntil([&] { return feed.connections() == 2 && feed.connected(); }, 10s));
  auto committed = t.db().Write<bool>([](soci::session& s) -> Result<bool> {
    if (auto st = NotifyInTransaction(s, "ordo_feed_reconnect", "after"); !st) {
      return Fail(st.error());
    }
    return true;
  });
  ASSERT_TRUE(committed.has_value());
  EXPECT_TRUE(in.WaitFor("after", 2s));
  EXPECT_EQ(in.Count(""), 2);  // one re-read signal per connection
}

}  // namespace
}  // namespace ordo::store
