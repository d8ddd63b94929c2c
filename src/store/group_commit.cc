#include "store/group_commit.h"

#include <pthread.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <future>
#include <utility>

namespace ordo::store {
namespace {

// A job's own failure, mapped like Database::Run maps a whole transaction's.
Status Guarded(const GroupCommitter::Job& job, soci::session& s) {
  try {
    return job(s);
  } catch (const soci::soci_error& e) {
    spdlog::error("event=database_error where=group_commit error=\"{}\"", e.what());
    return Fail(ErrorCode::kUnavailable, "the database is not available");
  } catch (const std::exception& e) {
    spdlog::error("event=database_error where=group_commit error=\"{}\"", e.what());
    return Fail(ErrorCode::kInternal, "internal error");
  }
}

sqlite_api::sqlite3* SqliteHandle(soci::session& s) {
  return static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
}

// While a batch holds the connection, its commits report the WAL size here instead of
// checkpointing inline; afterwards the connection gets SQLite's default behaviour back.
class WalHookScope {
 public:
  WalHookScope(soci::session& s, GroupCommitter* committer, bool sqlite)
      : db_(sqlite ? SqliteHandle(s) : nullptr) {
    if (db_ != nullptr) sqlite_api::sqlite3_wal_hook(db_, &OnCommit, committer);
  }
  ~WalHookScope() {
    if (db_ != nullptr) {
      sqlite_api::sqlite3_wal_autocheckpoint(db_, GroupCommitter::kCheckpointPages);
    }
  }
  WalHookScope(const WalHookScope&) = delete;
  WalHookScope& operator=(const WalHookScope&) = delete;

 private:
  static int OnCommit(void* committer, sqlite_api::sqlite3*, const char*, int pages) {
    static_cast<GroupCommitter*>(committer)->WalHasPages(pages);
    return 0;  // SQLITE_OK
  }
  sqlite_api::sqlite3* db_;
};

}  // namespace

GroupCommitter::GroupCommitter(Database& db, std::size_t max_batch)
    : db_(db), max_batch_(max_batch == 0 ? 1 : max_batch), writer_([this] { Loop(); }) {
  if (db_.dialect() == Dialect::kSqlite) checkpointer_ = std::thread([this] { CheckpointLoop(); });
}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  checkpoint_cv_.notify_all();
  writer_.join();
  if (checkpointer_.joinable()) checkpointer_.join();
}

void GroupCommitter::Submit(Job job, Done done) {
  {
    std::unique_lock lock(mu_);
    if (stopping_ && std::this_thread::get_id() != writer_.get_id()) {
      // The writer may already have drained the queue: nobody would run this job.
      lock.unlock();
      done(Fail(ErrorCode::kUnavailable, "the server is stopping"));
      return;
    }
    queue_.push_back(Pending{std::move(job), std::move(done)});
  }
  cv_.notify_one();
}

Status GroupCommitter::Run(Job job) {
  if (std::this_thread::get_id() == writer_.get_id()) {
    return Fail(ErrorCode::kInternal, "group commit: Run called from the writer thread");
  }
  std::promise<Status> result;
  std::future<Status> future = result.get_future();
  Submit(std::move(job), [&result](Status st) { result.set_value(std::move(st)); });
  return future.get();
}

std::size_t GroupCommitter::batches() const {
  std::lock_guard lock(mu_);
  return batches_;
}

std::size_t GroupCommitter::checkpoints() const {
  std::lock_guard lock(mu_);
  return checkpoints_;
}

void GroupCommitter::Loop() {
  pthread_setname_np(pthread_self(), "ordo-commit");  // for top -H, perf, gdb
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunBatch(batch);
  }
}

void GroupCommitter::WalHasPages(int pages) {
  if (pages < kCheckpointPages) return;
  {
    std::lock_guard lock(mu_);
    checkpoint_wanted_ = true;
  }
  checkpoint_cv_.notify_one();
}

void GroupCommitter::CheckpointLoop() {
  pthread_setname_np(pthread_self(), "ordo-checkpoint");
  for (;;) {
    {
      std::unique_lock lock(mu_);
      checkpoint_cv_.wait(lock, [this] { return stopping_ || checkpoint_wanted_; });
      if (stopping_) return;
      checkpoint_wanted_ = false;
    }
    // PASSIVE, like SQLite's automatic checkpoint: copies what no reader still needs, never
    // blocks the writer. Its failure only leaves the WAL longer until the next attempt.
    Status st = db_.Read<void>([](soci::session& s) -> Status {
      int log = 0, copied = 0;
      const int rc = sqlite_api::sqlite3_wal_checkpoint_v2(
          SqliteHandle(s), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        spdlog::warn("event=wal_checkpoint_failed code={}", rc);
      }
      return {};
    });
    std::lock_guard lock(mu_);
    ++checkpoints_;
  }
}

bool GroupCommitter::Attempt(soci::session& s, std::deque<Pending>& batch,
                             std::vector<Status>& results, std::size_t& ran, bool isolated) {
  ran = 0;
  s << (db_.dialect() == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  try {
    for (Pending& p : batch) {
      if (isolated) s << "SAVEPOINT ordo_job";
      results[ran] = Guarded(p.job, s);
      ++ran;
      if (!results[ran - 1]) {
        if (!isolated) {
          try {
            s << "ROLLBACK";
          } catch (const soci::soci_error&) {  // the database already rolled it back
          }
          return false;
        }
        // Throws when the database already aborted the whole transaction (disk full, I/O
        // error): the batch fails as one (RunBatch).
        s << "ROLLBACK TO ordo_job";
      }
      if (isolated) s << "RELEASE ordo_job";
    }
    s << "COMMIT";
  } catch (...) {
    try {
      s << "ROLLBACK";
    } catch (...) {  // already rolled back by the database (or the connection is gone)
    }
    throw;
  }
  return true;
}

Status GroupCommitter::Transaction(soci::session& s, std::deque<Pending>& batch,
                                   std::vector<Status>& results, std::size_t& ran) {
  WalHookScope hook(s, this, db_.dialect() == Dialect::kSqlite);
  // Optimistic first: jobs rarely fail, and a savepoint around each one cost a quarter of the
  // writer's time (S7: 101 -> 72-84 us a job without them).
  if (Attempt(s, batch, results, ran, /*isolated=*/false)) return {};
  // A job failed and took the transaction with it. Alone, its error is its answer; otherwise
  // the batch runs again with every job in a savepoint of its own, so that it fails alone.
  if (batch.size() > 1) Attempt(s, batch, results, ran, /*isolated=*/true);
  return {};
}

void GroupCommitter::RunBatch(std::deque<Pending>& batch) {
  std::vector<Status> results(batch.size());
  std::size_t ran = 0;  // jobs that ran inside the transaction
  // Read: a pooled session with Database's error mapping, the transaction is ours.
  Status committed = db_.Read<void>(
      [&](soci::session& s) -> Status { return Transaction(s, batch, results, ran); });
  if (!committed) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (i >= ran || results[i]) results[i] = committed;  // not committed after all
    }
  }
  {
    std::lock_guard lock(mu_);
    ++batches_;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      batch[i].done(std::move(results[i]));
    } catch (const std::exception& e) {
      spdlog::error("event=group_commit_callback_failed error=\"{}\"", e.what());
    }
  }
}

}  // namespace ordo::store
