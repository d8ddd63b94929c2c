#pragma once
// Writes audit events that are not part of a state change (authentication failures, throttles,
// logins, token issuance) without putting a database write on the request path: Record() queues
// in memory and a background thread commits the queue in batches. The queue is bounded; when an
// attacker floods failures faster than the disk takes them, extra events are dropped and
// counted (dropped()) rather than slowing every request.
//
// Events that belong to a change (access created, regenerated, deleted) are written by the
// change's own transaction instead (store::AppendAuditEvent), so they commit or vanish with it.
//
// Thread-safe. Owns its writer thread; the destructor writes what is queued and joins.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "store/audit_repository.h"
#include "store/database.h"

namespace ordo::auth {

// Who acts and from where; carried from the request into every event.
struct AuditActor {
  std::string type = "anonymous";  // user | access | anonymous | system
  std::string name;                // username or access key, never a secret
  std::string address;
  std::string request_id;
};

// A ready event with id, time and actor filled in.
store::AuditEvent MakeAuditEvent(const Clock& clock, const AuditActor& actor, std::string action,
                                 std::string outcome, std::string target,
                                 std::string detail_json = "{}");

class AuditLog {
 public:
  AuditLog(store::Database& db, const Clock& clock, std::size_t capacity = 10'000);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // A ready event with id, time and actor filled in.
  store::AuditEvent Make(const AuditActor& actor, std::string action, std::string outcome,
                         std::string target, std::string detail_json = "{}") const;
  // Queues `event` for the writer; never blocks on the database.
  void Record(store::AuditEvent event);
  // Waits until everything queued so far is written (tests, shutdown).
  void Flush();
  std::uint64_t dropped() const { return dropped_.load(); }

 private:
  void Run();

  store::Database& db_;
  const Clock& clock_;
  const std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<store::AuditEvent> queue_;
  bool writing_ = false;
  bool stopping_ = false;
  std::atomic<std::uint64_t> dropped_{0};
  std::thread writer_;
};

}  // namespace ordo::auth
