// ordo_engine_load: the S7 benchmark of issue 8 — the engine's round trip over REST.
//
//   ordo_engine_load --url http://127.0.0.1:PORT --token BEARER --seconds N --connections C
//                    [--warmup S] [--key KEY]
//
// Deploys its own process (start event → one user task → end), then every connection loops
// over one HTTP/1.1 keep-alive socket:
//   POST /api/v1/process-definitions/key/{key}/start   → 201, the instance id
//   GET  /api/v1/tasks?processInstanceId={id}          → 200, the id of its one open task
//   POST /api/v1/tasks/{task}/complete                 → 204
// Any other status (or a task list without exactly one task) is an error; the round trip is
// abandoned and counted. After the warm-up, completed round trips and their latencies are
// counted for `--seconds`; one JSON line is printed:
//   {"instances": N, "seconds": S, "instancesPerSecond": X, "errors": E, "p99Ms": P}
//
// Plain blocking sockets, one thread per connection: the driver does almost nothing per
// request next to the server (a few hundred bytes each way), so it is not the bottleneck on
// its own core. Exit status 0 when the run completed (errors are reported, not fatal), 2 on
// bad arguments, 1 when the set-up (deployment) fails.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Options {
  std::string host = "127.0.0.1";
  std::string port = "8080";
  std::string token;
  std::string key = "ordo_bench_round_trip";
  double seconds = 10;
  double warmup = 2;
  int connections = 32;
};

constexpr const char* kProcessXml = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="bench"
             targetNamespace="https://ordo.example/bench">
  <process id="{KEY}" name="Benchmark round trip" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <userTask id="work" name="Work"/>
    <sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>
)";

struct Response {
  int status = 0;
  std::string body;
};

// One keep-alive connection. Any transport failure closes it; the next request reconnects.
class Connection {
 public:
  explicit Connection(const Options& o) : o_(o) {}
  ~Connection() { Close(); }

  std::optional<Response> Send(const std::string& method, const std::string& target,
                               const std::string& content_type, const std::string& body) {
    if (fd_ < 0 && !Open()) return std::nullopt;
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: " + o_.host + ":" + o_.port +
                      "\r\nAuthorization: Bearer " + o_.token + "\r\n";
    if (!body.empty() || method == "POST") {
      if (!content_type.empty()) req += "Content-Type: " + content_type + "\r\n";
      req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n" + body;
    if (!WriteAll(req)) return Reset();
    auto r = ReadResponse();
    if (!r) return Reset();
    return r;
  }

 private:
  bool Open() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (getaddrinfo(o_.host.c_str(), o_.port.c_str(), &hints, &res) != 0) return false;
    for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
      int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
      if (fd < 0) continue;
      if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fd_ = fd;
        break;
      }
      close(fd);
    }
    freeaddrinfo(res);
    buffer_.clear();
    return fd_ >= 0;
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  std::optional<Response> Reset() {
    Close();
    return std::nullopt;
  }
  bool WriteAll(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  bool Fill() {
    char chunk[16384];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  // Status line, headers, and a Content-Length body (the server never chunks API answers).
  std::optional<Response> ReadResponse() {
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    Response r;
    if (buffer_.compare(0, 9, "HTTP/1.1 ") != 0) return std::nullopt;
    r.status = std::atoi(buffer_.c_str() + 9);
    std::size_t length = 0;
    bool close_after = false;
    std::size_t line = buffer_.find("\r\n");
    while (line < end) {
      std::size_t next = buffer_.find("\r\n", line + 2);
      std::string header = buffer_.substr(line + 2, next - line - 2);
      std::string lower = header;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (lower.rfind("content-length:", 0) == 0) length = std::stoul(header.substr(15));
      if (lower.rfind("transfer-encoding:", 0) == 0) return std::nullopt;  // not expected
      if (lower.rfind("connection:", 0) == 0 && lower.find("close") != std::string::npos) {
        close_after = true;
      }
      line = next;
    }
    const std::size_t body_start = end + 4;
    while (buffer_.size() < body_start + length) {
      if (!Fill()) return std::nullopt;
    }
    r.body = buffer_.substr(body_start, length);
    buffer_.erase(0, body_start + length);
    if (close_after) Close();
    return r;
  }

  const Options& o_;
  int fd_ = -1;
  std::string buffer_;
};

struct Shared {
  std::atomic<bool> measuring{false};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<double> latencies_ms;  // round trips completed while measuring
  long long errors = 0;              // while measuring
  std::string first_error;
};

// One round trip; an error text when a step answered anything but what it should.
std::optional<std::string> RoundTrip(Connection& c, const Options& o) {
  auto started = c.Send("POST", "/api/v1/process-definitions/key/" + o.key + "/start",
                        "application/json", "{}");
  if (!started) return "start: connection failed";
  if (started->status != 201) {
    return "start: HTTP " + std::to_string(started->status) + " " + started->body;
  }
  json instance = json::parse(started->body, nullptr, false);
  if (!instance.is_object() || !instance.contains("id") || !instance["id"].is_string()) {
    return "start: no instance id in " + started->body;
  }
  auto tasks =
      c.Send("GET", "/api/v1/tasks?processInstanceId=" + instance["id"].get<std::string>(), "", "");
  if (!tasks) return "tasks: connection failed";
  if (tasks->status != 200)
    return "tasks: HTTP " + std::to_string(tasks->status) + " " + tasks->body;
  json list = json::parse(tasks->body, nullptr, false);
  if (!list.is_object() || !list.contains("items") || !list["items"].is_array() ||
      list["items"].size() != 1 || !list["items"][0].contains("id")) {
    return "tasks: expected exactly one open task, got " + tasks->body;
  }
  const std::string task = list["items"][0]["id"].get<std::string>();
  auto done = c.Send("POST", "/api/v1/tasks/" + task + "/complete", "application/json", "{}");
  if (!done) return "complete: connection failed";
  if (done->status != 204) {
    return "complete: HTTP " + std::to_string(done->status) + " " + done->body;
  }
  return std::nullopt;
}

void Worker(const Options& o, Shared& shared) {
  Connection c(o);
  std::vector<double> mine;
  long long errors = 0;
  std::string first_error;
  while (!shared.stop.load(std::memory_order_relaxed)) {
    const bool counted = shared.measuring.load(std::memory_order_relaxed);
    const auto t0 = Clock::now();
    auto error = RoundTrip(c, o);
    const auto t1 = Clock::now();
    // A round trip counts only if it both began and ended inside the measured window.
    if (!counted || !shared.measuring.load(std::memory_order_relaxed)) continue;
    if (error) {
      ++errors;
      if (first_error.empty()) first_error = *error;
      // Do not spin on a dead server.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } else {
      mine.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
  }
  std::lock_guard lock(shared.mu);
  shared.latencies_ms.insert(shared.latencies_ms.end(), mine.begin(), mine.end());
  shared.errors += errors;
  if (shared.first_error.empty()) shared.first_error = first_error;
}

bool Deploy(const Options& o) {
  std::string xml = kProcessXml;
  xml.replace(xml.find("{KEY}"), 5, o.key);
  Connection c(o);
  auto r = c.Send("POST", "/api/v1/process-definitions", "application/xml", xml);
  if (!r || (r->status != 200 && r->status != 201)) {
    std::fprintf(
        stderr, "ordo_engine_load: deployment failed: %s\n",
        r ? ("HTTP " + std::to_string(r->status) + " " + r->body).c_str() : "connection failed");
    return false;
  }
  return true;
}

int Usage(const char* why) {
  std::fprintf(stderr,
               "ordo_engine_load: %s\nusage: ordo_engine_load --url http://HOST:PORT --token "
               "BEARER [--seconds N] [--connections C] [--warmup S] [--key KEY]\n",
               why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::string url;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return Usage(("missing value after " + a).c_str());
    std::string v = argv[++i];
    try {
      if (a == "--url") {
        url = v;
      } else if (a == "--token") {
        o.token = v;
      } else if (a == "--seconds") {
        o.seconds = std::stod(v);
      } else if (a == "--warmup") {
        o.warmup = std::stod(v);
      } else if (a == "--connections") {
        o.connections = std::stoi(v);
      } else if (a == "--key") {
        o.key = v;
      } else {
        return Usage(("unknown option " + a).c_str());
      }
    } catch (const std::exception&) {
      return Usage(("bad value for " + a).c_str());
    }
  }
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return Usage("--url must start with http://");
  std::string authority = url.substr(scheme.size());
  authority = authority.substr(0, authority.find('/'));
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string::npos) return Usage("--url needs a port");
  o.host = authority.substr(0, colon);
  o.port = authority.substr(colon + 1);
  if (o.token.empty()) return Usage("--token is required");
  if (o.seconds <= 0 || o.warmup < 0 || o.connections < 1) return Usage("bad numbers");

  if (!Deploy(o)) return 1;

  Shared shared;
  std::vector<std::thread> threads;
  for (int i = 0; i < o.connections; ++i)
    threads.emplace_back(Worker, std::cref(o), std::ref(shared));
  std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup));
  shared.measuring = true;
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  shared.measuring = false;
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  shared.stop = true;
  for (auto& t : threads) t.join();

  std::vector<double>& l = shared.latencies_ms;
  std::sort(l.begin(), l.end());
  const double p99 =
      l.empty() ? 0.0 : l[std::min(l.size() - 1, static_cast<std::size_t>(l.size() * 0.99))];
  if (!shared.first_error.empty()) {
    std::fprintf(stderr, "ordo_engine_load: %lld error(s); first: %s\n", shared.errors,
                 shared.first_error.c_str());
  }
  json out = {{"instances", l.size()},
              {"seconds", std::round(elapsed * 1000) / 1000},
              {"instancesPerSecond", std::round(static_cast<double>(l.size()) / elapsed * 10) / 10},
              {"errors", shared.errors},
              {"p99Ms", std::round(p99 * 100) / 100}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
