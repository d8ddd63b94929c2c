#include "auth/audit_log.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "core/ids.h"

namespace ordo::auth {

AuditLog::AuditLog(store::Database& db, const Clock& clock, std::size_t capacity)
    : db_(db), clock_(clock), capacity_(capacity), writer_([this] { Run(); }) {}

AuditLog::~AuditLog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  writer_.join();
}

store::AuditEvent MakeAuditEvent(const Clock& clock, const AuditActor& actor, std::string action,
                                 std::string outcome, std::string target, std::string detail_json) {
  store::AuditEvent e;
  e.id = NewId();
  e.at =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock.Now().time_since_epoch()).count();
  e.action = std::move(action);
  e.outcome = std::move(outcome);
  e.actor_type = actor.type;
  e.actor = actor.name;
  e.target = std::move(target);
  e.client_address = actor.address;
  e.request_id = actor.request_id;
  e.detail = std::move(detail_json);
  return e;
}

store::AuditEvent AuditLog::Make(const AuditActor& actor, std::string action, std::string outcome,
                                 std::string target, std::string detail_json) const {
  return MakeAuditEvent(clock_, actor, std::move(action), std::move(outcome), std::move(target),
                        std::move(detail_json));
}

void AuditLog::Record(store::AuditEvent event) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= capacity_) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(event));
  }
  cv_.notify_one();
}

void AuditLog::Flush() {
  std::unique_lock lock(mu_);
  cv_.notify_one();
  idle_cv_.wait(lock, [this] { return queue_.empty() && !writing_; });
}

void AuditLog::Run() {
  for (;;) {
    std::vector<store::AuditEvent> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      // At most 500 per transaction so one burst never holds the write lock for long.
      while (!queue_.empty() && batch.size() < 500) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      writing_ = true;
    }
    auto written = db_.Write<bool>([&](soci::session& s) -> Result<bool> {
      for (const auto& e : batch) {
        if (auto st = store::AppendAuditEvent(s, e); !st) return Fail(st.error());
      }
      return true;
    });
    if (!written) {
      dropped_ += batch.size();
      spdlog::error("event=audit_write_failed count={} error=\"{}\"", batch.size(),
                    written.error().detail);
    }
    {
      std::lock_guard lock(mu_);
      writing_ = false;
    }
    idle_cv_.notify_all();
  }
}

}  // namespace ordo::auth
