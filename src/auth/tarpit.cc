#include "auth/tarpit.h"

#include <algorithm>
#include <utility>

namespace ordo::auth {

Tarpit::Tarpit(std::chrono::milliseconds delay, std::size_t max_held)
    : delay_(std::max(delay, std::chrono::milliseconds{0})),
      max_held_(max_held),
      // Started here, on the owner's thread: a thread inherits its creator's scheduling policy,
      // and one started lazily by a hash thread would run at idle priority (hash_priority.h).
      thread_([this] { Run(); }) {}

Tarpit::~Tarpit() { Stop(); }

void Tarpit::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Tarpit::Hold(std::chrono::nanoseconds bound, std::function<void()> answer) {
  auto wait = std::min<std::chrono::nanoseconds>(delay_, bound);
  if (wait > std::chrono::nanoseconds{0} &&
      Enqueue(Clock::now() + std::chrono::duration_cast<Clock::duration>(wait), answer)) {
    return;
  }
  answer();
}

void Tarpit::Post(std::function<void()> answer) {
  if (!Enqueue(Clock::now(), answer)) answer();
}

bool Tarpit::Enqueue(Clock::time_point due, std::function<void()>& answer) {
  std::lock_guard lock(mu_);
  if (stopping_ || pending_.size() >= max_held_) return false;
  const bool earliest = pending_.empty() || due < pending_.top().due;
  pending_.push(Pending{due, next_seq_++, std::move(answer)});
  // Notified under the lock: once the answer has run, its owner may destroy the tarpit, which
  // must not happen while this thread still touches cv_ (Stop() takes the lock first).
  if (earliest) cv_.notify_one();
  return true;
}

std::size_t Tarpit::held() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

void Tarpit::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (pending_.empty()) {
      if (stopping_) return;
      cv_.wait(lock);
      continue;
    }
    if (!stopping_ && Clock::now() < pending_.top().due) {
      // A copy: wait_until reads its deadline again after waking, and the queue's storage may
      // have moved meanwhile (a push from another thread reallocates it).
      const Clock::time_point due = pending_.top().due;
      cv_.wait_until(lock, due);
      continue;
    }
    // priority_queue::top is const; the answer is moved out before pop, which does not read it.
    auto answer = std::move(const_cast<Pending&>(pending_.top()).answer);
    pending_.pop();
    lock.unlock();
    answer();
    lock.lock();
  }
}

void HoldOrAnswer(Tarpit* tarpit, std::chrono::nanoseconds bound, std::function<void()> answer) {
  if (tarpit == nullptr) return answer();
  tarpit->Hold(bound, std::move(answer));
}

void PostOrAnswer(Tarpit* tarpit, std::function<void()> answer) {
  if (tarpit == nullptr) return answer();
  tarpit->Post(std::move(answer));
}

}  // namespace ordo::auth
