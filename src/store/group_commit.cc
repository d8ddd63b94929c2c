#include "store/group_commit.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <future>
#include <utility>
#include <vector>

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

}  // namespace

GroupCommitter::GroupCommitter(Database& db, std::size_t max_batch)
    : db_(db), max_batch_(max_batch == 0 ? 1 : max_batch), writer_([this] { Loop(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  writer_.join();
}

void GroupCommitter::Submit(Job job, Done done) {
  {
    std::lock_guard lock(mu_);
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

void GroupCommitter::Loop() {
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

void GroupCommitter::RunBatch(std::deque<Pending>& batch) {
  std::vector<Status> results(batch.size());
  std::size_t ran = 0;  // jobs that ran inside the transaction
  Status committed;
  if (batch.size() == 1) {
    // Alone: the transaction is the job's own, no savepoint needed to isolate it.
    committed = db_.Write<void>([&](soci::session& s) -> Status {
      results[0] = Guarded(batch[0].job, s);
      ran = 1;
      return results[0];
    });
    if (!committed && results[0]) results[0] = committed;  // COMMIT itself failed
  } else {
    committed = db_.Write<void>([&](soci::session& s) -> Status {
      for (Pending& p : batch) {
        s << "SAVEPOINT ordo_job";
        results[ran] = Guarded(p.job, s);
        ++ran;
        // Throws when SQLite already aborted the whole transaction (disk full, I/O error): the
        // batch fails as one, below.
        if (!results[ran - 1]) s << "ROLLBACK TO ordo_job";
        s << "RELEASE ordo_job";
      }
      return {};
    });
    if (!committed) {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (i >= ran || results[i]) results[i] = committed;  // not committed after all
      }
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
