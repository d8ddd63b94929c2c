#pragma once
// ChangeFeed: "something changed" signals between the nodes that share one database, so that
// in-memory views (the live-access table) follow another node's change within milliseconds
// instead of waiting for the next periodic refresh.
//
// - On PostgreSQL (PgChangeFeed) it is LISTEN/NOTIFY through libpq directly (SOCI has no
//   notification API): one dedicated connection, one listener thread, reconnection with
//   back-off. A signal is delivered to every node, the sending one included.
// - On SQLite there is only one node: LocalChangeFeed delivers in-process.
//
// Notifications are hints, not a log: PostgreSQL drops those sent while a listener is
// disconnected. So every subscriber is also called with an empty payload right after the
// listener (re)connects, and should treat any call as "re-read what you cache" — and keep a
// periodic full refresh as the safety net.
//
// Sending: NotifyInTransaction() queues the signal inside the caller's transaction, so that it
// goes out exactly when the change commits and never for a rolled-back one; Publish() sends at
// once on its own.
//
// Channel names: [a-z_][a-z0-9_]{0,62}; payloads: at most 7999 bytes (PostgreSQL's limit).

#include <soci/soci.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "store/database.h"

namespace ordo::store {

class ChangeFeed {
 public:
  // Called on the feed's own thread: keep it short and never block on the feed itself.
  using Handler = std::function<void(const std::string& payload)>;

  virtual ~ChangeFeed() = default;
  // Sends `payload` on `channel` to every subscriber on every node.
  [[nodiscard]] virtual Status Publish(const std::string& channel, const std::string& payload) = 0;
  // Adds a handler; it stays for the feed's life.
  virtual void Subscribe(const std::string& channel, Handler handler) = 0;
  // Stops delivering (joins the listener thread). Idempotent; the destructor calls it. Call it
  // before destroying what the handlers reference.
  virtual void Stop() = 0;
};

// Queues a notification in the open transaction of `s` (PostgreSQL: pg_notify, delivered at
// COMMIT); does nothing on SQLite, where the in-process path applies the change directly.
[[nodiscard]] Status NotifyInTransaction(soci::session& s, const std::string& channel,
                                         const std::string& payload);

// True for a usable channel name (see above).
bool ValidChannel(const std::string& channel);

// Single-node feed: Publish calls the channel's handlers on the caller's thread.
// Thread-safe.
class LocalChangeFeed final : public ChangeFeed {
 public:
  Status Publish(const std::string& channel, const std::string& payload) override;
  void Subscribe(const std::string& channel, Handler handler) override;
  void Stop() override;

 private:
  std::mutex mu_;
  bool stopped_ = false;
  std::multimap<std::string, Handler> handlers_;
};

// LISTEN/NOTIFY on PostgreSQL. Owns its listener connection and thread; borrows nothing.
// Thread-safe.
class PgChangeFeed final : public ChangeFeed {
 public:
  // `url`: the libpq URI the database was opened with. Does not wait for the connection: the
  // thread connects (and reconnects) by itself, `connected()` tells when it listens.
  explicit PgChangeFeed(std::string url);
  ~PgChangeFeed() override;
  PgChangeFeed(const PgChangeFeed&) = delete;
  PgChangeFeed& operator=(const PgChangeFeed&) = delete;

  // Sends on a short-lived connection of its own (rare: state changes, not requests).
  Status Publish(const std::string& channel, const std::string& payload) override;
  void Subscribe(const std::string& channel, Handler handler) override;
  void Stop() override;

  bool connected() const { return connected_.load(); }
  // How many times the listener (re)connected: for tests and logs.
  int connections() const { return connections_.load(); }

 private:
  void Run();
  void Wake();

  const std::string url_;
  std::mutex mu_;
  std::multimap<std::string, Handler> handlers_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> connected_{false};
  std::atomic<int> connections_{0};
  int wake_fd_[2] = {-1, -1};  // self-pipe: Subscribe and Stop interrupt poll()
  std::thread thread_;
};

// The feed that fits `db`: PgChangeFeed on PostgreSQL (`url` as given to Database::Open),
// LocalChangeFeed on SQLite.
std::unique_ptr<ChangeFeed> MakeChangeFeed(const Database& db, const std::string& url);

}  // namespace ordo::store
