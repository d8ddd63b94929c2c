#pragma once
// Holds back the answers to refused credential checks (429 from the throttle, 503 from a full
// hash queue) for a short time, without holding a request thread: one timer thread keeps the
// pending answers ordered by due time and runs each when it is due.
//
// Why: a 429 costs the server almost nothing, so a client that is answered at once simply asks
// again; 64 connections looping on instant 429s eat half of a core. Held for ~1 s, the same flood
// makes ~64 requests a second. The delay never exceeds the caller's bound (the remaining back-off,
// which Retry-After rounds up), so a patient client is never answered after it may try again.
//
// Memory is bounded: at most `max_held` answers wait; beyond that (or with a zero delay) the
// answer runs at once on the caller's thread.
//
// The same thread also delivers the answers of the hash threads (Post): those run at idle
// priority (hash_priority.h), and an answer runs the route's handler, which takes locks the I/O
// threads need (metrics, the reply queue); run at idle priority, a handler preempted inside such
// a lock by any other busy process would stall the I/O thread behind it.
//
// Thread-safe. Stop() (and the destructor) runs every answer still held, at once, then joins the
// thread; later answers run inline.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace ordo::auth {

class Tarpit {
 public:
  using Clock = std::chrono::steady_clock;

  Tarpit(std::chrono::milliseconds delay, std::size_t max_held = 10'000);
  ~Tarpit();
  Tarpit(const Tarpit&) = delete;
  Tarpit& operator=(const Tarpit&) = delete;

  // Runs `answer` after min(delay, bound): on the timer thread, or inline when the delay is zero
  // or `max_held` answers already wait. `answer` must not throw.
  void Hold(std::chrono::nanoseconds bound, std::function<void()> answer);

  // Runs `answer` on the timer thread as soon as possible (after answers already due); inline
  // when stopped or full.
  void Post(std::function<void()> answer);

  // Answers everything held now and stops the timer thread. Idempotent. The owner calls it
  // before destroying what the held answers use.
  void Stop();

  std::size_t held() const;
  std::chrono::milliseconds delay() const { return delay_; }

 private:
  struct Pending {
    Clock::time_point due;
    std::uint64_t seq;  // FIFO among equal due times
    std::function<void()> answer;
  };
  struct Later {
    bool operator()(const Pending& a, const Pending& b) const {
      return a.due != b.due ? a.due > b.due : a.seq > b.seq;
    }
  };

  void Run();
  // Queues `answer` due at `due`; false when stopped or full (the caller runs it).
  bool Enqueue(Clock::time_point due, std::function<void()>& answer);

  const std::chrono::milliseconds delay_;
  const std::size_t max_held_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Pending, std::vector<Pending>, Later> pending_;
  std::uint64_t next_seq_ = 0;
  bool stopping_ = false;
  std::thread thread_;  // last: started in the constructor, after everything it reads
};

// `tarpit->Hold(bound, answer)`, or `answer()` at once when there is no tarpit.
void HoldOrAnswer(Tarpit* tarpit, std::chrono::nanoseconds bound, std::function<void()> answer);
// `tarpit->Post(answer)`, or `answer()` at once when there is no tarpit.
void PostOrAnswer(Tarpit* tarpit, std::function<void()> answer);

}  // namespace ordo::auth
