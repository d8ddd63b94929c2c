#include "store/pg_notify.h"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>
#include <stdexcept>

#include "store/libpq.h"

namespace ordo::store {
namespace {

constexpr std::size_t kMaxPayload = 7999;
constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{2000};

// One line of a libpq error message (they end with a newline, sometimes carry several lines).
std::string FirstLine(const char* message) {
  std::string s = message != nullptr ? message : "";
  if (const std::size_t nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  return s;
}

// libpq, loaded by the PgChangeFeed constructor (which fails when it cannot be): every other
// use runs after it.
const LibPq& Pq() { return **LibPq::Get(); }

// A connection that closes itself.
// application_name makes Ordo's connections recognisable in pg_stat_activity.
struct PgConn {
  PGconn* conn = nullptr;
  explicit PgConn(const std::string& url) {
    const char* keys[] = {"dbname", "application_name", nullptr};
    const char* values[] = {url.c_str(), "ordo-change-feed", nullptr};
    conn = Pq().connectdb_params(keys, values, /*expand_dbname=*/1);
  }
  ~PgConn() {
    if (conn != nullptr) Pq().finish(conn);
  }
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;
  bool ok() const { return conn != nullptr && Pq().status(conn) == CONNECTION_OK; }
};

// Runs a statement without result rows; false (and a log line) on failure.
bool Exec(PGconn* conn, const std::string& sql) {
  PGresult* res = Pq().exec(conn, sql.c_str());
  const bool ok = Pq().result_status(res) == PGRES_COMMAND_OK;
  if (!ok)
    spdlog::warn("event=change_feed_error error=\"{}\"", FirstLine(Pq().error_message(conn)));
  Pq().clear(res);
  return ok;
}

// A trivial query on the listener connection; false when the connection is gone.
bool Ping(PGconn* conn) {
  PGresult* res = Pq().exec(conn, "SELECT 1");
  const bool ok = Pq().result_status(res) == PGRES_TUPLES_OK;
  Pq().clear(res);
  return ok;
}

}  // namespace

bool ValidChannel(const std::string& channel) {
  if (channel.empty() || channel.size() > 63) return false;
  if (!(std::islower(static_cast<unsigned char>(channel[0])) || channel[0] == '_')) return false;
  return std::all_of(channel.begin(), channel.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Status NotifyInTransaction(soci::session& s, const std::string& channel,
                           const std::string& payload) {
  if (!ValidChannel(channel)) return Fail(ErrorCode::kInternal, "bad notification channel");
  if (payload.size() > kMaxPayload) return Fail(ErrorCode::kInternal, "notification too large");
  if (s.get_backend_name() != "postgresql") return {};
  std::string c = channel;
  std::string p = payload;
  s << "SELECT pg_notify(:c, :p)", soci::use(c), soci::use(p);
  return {};
}

// ---------------------------------------------------------------------------------------------

Status LocalChangeFeed::Publish(const std::string& channel, const std::string& payload) {
  if (!ValidChannel(channel)) return Fail(ErrorCode::kInternal, "bad notification channel");
  std::vector<Handler> targets;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return {};
    auto [first, last] = handlers_.equal_range(channel);
    for (auto it = first; it != last; ++it) targets.push_back(it->second);
  }
  // Outside the lock: a handler may publish or subscribe in turn.
  for (const auto& h : targets) h(payload);
  return {};
}

void LocalChangeFeed::Subscribe(const std::string& channel, Handler handler) {
  std::lock_guard lock(mu_);
  handlers_.emplace(channel, std::move(handler));
}

void LocalChangeFeed::Stop() {
  std::lock_guard lock(mu_);
  stopped_ = true;
}

// ---------------------------------------------------------------------------------------------

PgChangeFeed::PgChangeFeed(std::string url) : url_(std::move(url)) {
  if (auto pq = LibPq::Get(); !pq) throw std::runtime_error("change feed: " + pq.error().detail);
  if (::pipe2(wake_fd_, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::runtime_error("change feed: cannot create a pipe");
  }
  thread_ = std::thread([this] { Run(); });
}

PgChangeFeed::~PgChangeFeed() {
  Stop();
  for (int fd : wake_fd_) {
    if (fd >= 0) ::close(fd);
  }
}

void PgChangeFeed::Stop() {
  if (stopping_.exchange(true)) return;
  Wake();
  if (thread_.joinable()) thread_.join();
}

void PgChangeFeed::Wake() {
  const char b = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_[1], &b, 1);  // full pipe: already woken
}

void PgChangeFeed::Subscribe(const std::string& channel, Handler handler) {
  if (!ValidChannel(channel)) {
    spdlog::error("event=change_feed_bad_channel channel={}", channel);
    return;
  }
  {
    std::lock_guard lock(mu_);
    handlers_.emplace(channel, std::move(handler));
  }
  Wake();  // the thread LISTENs on channels it does not listen to yet
}

Status PgChangeFeed::Publish(const std::string& channel, const std::string& payload) {
  if (!ValidChannel(channel)) return Fail(ErrorCode::kInternal, "bad notification channel");
  if (payload.size() > kMaxPayload) return Fail(ErrorCode::kInternal, "notification too large");
  PgConn c(url_);
  if (!c.ok()) {
    spdlog::warn("event=change_feed_publish_failed error=\"{}\"",
                 FirstLine(Pq().error_message(c.conn)));
    return Fail(ErrorCode::kUnavailable, "the database is not available");
  }
  const char* params[2] = {channel.c_str(), payload.c_str()};
  PGresult* res =
      Pq().exec_params(c.conn, "SELECT pg_notify($1, $2)", 2, nullptr, params, nullptr, nullptr, 0);
  const bool ok = Pq().result_status(res) == PGRES_TUPLES_OK;
  Pq().clear(res);
  if (!ok) return Fail(ErrorCode::kUnavailable, "the database is not available");
  return {};
}

void PgChangeFeed::Run() {
  std::chrono::milliseconds backoff = kFirstBackoff;
  while (!stopping_) {
    PgConn c(url_);
    if (!c.ok()) {
      spdlog::warn("event=change_feed_connect_failed retry_ms={} error=\"{}\"", backoff.count(),
                   FirstLine(Pq().error_message(c.conn)));
      pollfd wake{wake_fd_[0], POLLIN, 0};
      ::poll(&wake, 1, static_cast<int>(backoff.count()));
      char buf[64];
      while (::read(wake_fd_[0], buf, sizeof buf) > 0) {
      }
      backoff = std::min(backoff * 2, kMaxBackoff);
      continue;
    }
    backoff = kFirstBackoff;
    std::set<std::string> listening;
    bool healthy = true;
    bool first_round = true;
    while (!stopping_ && healthy) {
      // LISTEN to channels subscribed since the last round (all of them after a reconnect).
      std::vector<std::string> channels;
      {
        std::lock_guard lock(mu_);
        for (const auto& [channel, h] : handlers_) {
          if (!listening.contains(channel)) channels.push_back(channel);
        }
      }
      for (const auto& channel : channels) {
        if (listening.contains(channel)) continue;
        if (!Exec(c.conn, "LISTEN " + channel)) {
          healthy = false;
          break;
        }
        listening.insert(channel);
        spdlog::info("event=change_feed_listening channel={}", channel);
      }
      if (!healthy) break;
      if (first_round) {
        // Whatever was sent while no listener was connected is lost: tell every subscriber to
        // re-read (see the header).
        first_round = false;
        connected_ = true;
        ++connections_;
        spdlog::info("event=change_feed_connected channels={}", listening.size());
        std::vector<Handler> all;
        {
          std::lock_guard lock(mu_);
          for (const auto& [channel, h] : handlers_) all.push_back(h);
        }
        for (const auto& h : all) h("");
      }
      pollfd fds[2] = {{Pq().socket(c.conn), POLLIN, 0}, {wake_fd_[0], POLLIN, 0}};
      // A bounded wait: a dead peer that sends no RST is noticed by the keepalive check below.
      const int n = ::poll(fds, 2, 5000);
      if (fds[1].revents != 0) {
        char buf[64];
        while (::read(wake_fd_[0], buf, sizeof buf) > 0) {
        }
      }
      if (n == 0) {
        // Idle: prove the connection still works (a server restart may leave no trace on it).
        healthy = Ping(c.conn);
      } else if (fds[0].revents != 0 && Pq().consume_input(c.conn) == 0) {
        healthy = false;
      }
      // Always drain: a LISTEN or ping above may have read notifications into libpq's buffer.
      PGnotify* note = nullptr;
      while ((note = Pq().notifies(c.conn)) != nullptr) {
        const std::string channel = note->relname;
        const std::string payload = note->extra != nullptr ? note->extra : "";
        Pq().freemem(note);
        std::vector<Handler> targets;
        {
          std::lock_guard lock(mu_);
          auto [first, last] = handlers_.equal_range(channel);
          for (auto it = first; it != last; ++it) targets.push_back(it->second);
        }
        for (const auto& h : targets) h(payload);
      }
      if (Pq().status(c.conn) != CONNECTION_OK) healthy = false;
    }
    connected_ = false;
    if (!stopping_) spdlog::warn("event=change_feed_disconnected");
  }
}

std::unique_ptr<ChangeFeed> MakeChangeFeed(const Database& db, const std::string& url) {
  if (db.dialect() == Dialect::kPostgres) return std::make_unique<PgChangeFeed>(url);
  return std::make_unique<LocalChangeFeed>();
}

}  // namespace ordo::store
