#pragma once
// Group commit: many small write transactions share one database COMMIT (one fsync).
//
// Why: SQLite runs with synchronous=FULL (database.cc), so every COMMIT waits for an fsync of
// the WAL, about 2 ms on a virtual disk. SQLite serialises writers anyway, so committing each
// engine call on its own caps the engine at ~500 transactions a second whatever the CPU. Here
// one writer thread takes every job queued while the previous batch was committing, runs them
// one after the other inside a single transaction, each inside its own SAVEPOINT, and commits
// once. Durability is unchanged: a job's `done` is called only after the COMMIT that contains
// it has returned (or with the error that rolled it back), so nothing is answered before it is
// on disk.
//
// Checkpoints (SQLite): SQLite's automatic checkpoint runs inside the COMMIT that crosses 1000
// WAL pages, copying them into the database file and fsyncing it on the writer's own time (it
// cost ~40% of the writer's time under load). The writer's commits skip it; when the WAL has
// passed 1000 pages a second thread runs the same PASSIVE checkpoint on another connection,
// which SQLite allows concurrently with the writer. The WAL is bounded as before.
//
// Isolation between jobs of one batch: a job that returns an error (or throws) gets its own
// error and leaves no trace; the others commit. Jobs rarely fail, so a batch first runs
// without savepoints (they cost a quarter of the writer's time); when a job fails, that
// transaction is rolled back and the batch runs again with each job inside its own SAVEPOINT,
// rolled back to it on failure. So a job may run more than once, and only its last run counts:
// it must keep its effects inside the transaction and in what it returns (the engine's
// transaction bodies already are: they are retried after a lost version race). If the batch itself
// fails (COMMIT fails, or SQLite aborted the whole transaction under a job), every job that had
// succeeded gets that error instead — none of them was committed.
//
// Thread-safe. `done` runs on the writer thread and must not block on this committer (Run
// from inside a job or a `done` would wait for itself; it fails instead). The destructor
// runs what is queued (jobs its callbacks queue included), then joins; a job submitted from
// another thread once it has begun gets kUnavailable.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.h"
#include "store/database.h"

namespace ordo::store {

class GroupCommitter {
 public:
  using Job = std::function<Status(soci::session&)>;
  using Done = std::function<void(Status)>;

  // `max_batch` bounds how many jobs share one transaction (and so the latency one slow batch
  // adds to the next).
  explicit GroupCommitter(Database& db, std::size_t max_batch = 128);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `job`; `done` gets its result once it is committed or rolled back.
  void Submit(Job job, Done done);
  // Submit and wait.
  [[nodiscard]] Status Run(Job job);

  // Transactions committed so far (for tests: proves that jobs shared one).
  std::size_t batches() const;
  // Checkpoints run by the checkpoint thread so far (SQLite).
  std::size_t checkpoints() const;

  // WAL size (pages) past which the checkpoint thread is woken; SQLite's own default.
  static constexpr int kCheckpointPages = 1000;
  // Told by SQLite's WAL hook on the writer's connection after each of its commits.
  void WalHasPages(int pages);

 private:
  struct Pending {
    Job job;
    Done done;
  };
  void Loop();
  void RunBatch(std::deque<Pending>& batch);
  // One transaction for the whole batch; fills `results`, sets `ran` to the jobs it ran.
  Status Transaction(soci::session& s, std::deque<Pending>& batch, std::vector<Status>& results,
                     std::size_t& ran);
  // Runs the batch once and commits; false (rolled back, nothing committed) when a job failed
  // and the jobs were not `isolated` in savepoints. Throws on database failure.
  bool Attempt(soci::session& s, std::deque<Pending>& batch, std::vector<Status>& results,
               std::size_t& ran, bool isolated);
  void CheckpointLoop();

  Database& db_;
  const std::size_t max_batch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::size_t batches_ = 0;
  bool checkpoint_wanted_ = false;
  std::size_t checkpoints_ = 0;
  std::condition_variable checkpoint_cv_;
  std::thread writer_;        // last: started once everything above exists
  std::thread checkpointer_;  // SQLite only
};

}  // namespace ordo::store
