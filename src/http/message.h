#pragma once
// Ordo's own HTTP request and response: plain data, no server library types, so that no module
// but src/http knows how bytes reach the socket. Header names are stored lower-case.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ordo::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A flag one thread raises and others read; a copy takes its current value.
class AtomicFlag {
 public:
  AtomicFlag() = default;
  AtomicFlag(const AtomicFlag& other) : value_(other.Get()) {}
  AtomicFlag& operator=(const AtomicFlag& other) {
    value_.store(other.Get(), std::memory_order_relaxed);
    return *this;
  }
  ~AtomicFlag() = default;
  void Raise() { value_.store(true, std::memory_order_relaxed); }
  bool Get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> value_{false};
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path and query
  std::string path;    // path as sent (not decoded; the router decodes parameters), no query
  std::string query;   // raw query string without '?'
  Headers headers;     // names lower-case, in arrival order
  std::string body;
  std::string client_address;  // peer IP address, no port
  std::string request_id;      // echoed X-Request-Id or a generated one
  bool tls = false;
  // Filled by the router.
  std::string route;  // matched template, e.g. "/api/v1/accesses/{accessKey}"; "" when none
  std::vector<std::pair<std::string, std::string>> params;  // path parameters, decoded
  // Set by the api layer once the caller is known, for the access log ("user:ada", "access:…").
  std::string principal;
  // Raised by the server when the client hangs up before its answer, so that slow work queued
  // for the request (a password hash) can be skipped. Readable from any thread.
  AtomicFlag client_gone;

  // First header with this (lower-case) name.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
  // Decoded value of a query parameter (first occurrence).
  std::optional<std::string> Query(std::string_view name) const;
  // Path parameter by name; empty when absent.
  std::string_view Param(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;  // names as they should be sent
  std::string body;

  // Replaces any header of that name (case-insensitive).
  void Set(std::string_view name, std::string value);
  // Appends, keeping existing headers of that name (WWW-Authenticate may repeat).
  void Add(std::string name, std::string value);
  std::optional<std::string_view> Get(std::string_view name) const;

  static Response Text(int status, std::string body, std::string content_type = "text/plain");
};

// Completes a request. Thread-safe; call exactly once, from any thread. A Reply dropped without
// being called answers 500, so a lost response never hangs a client.
using Reply = std::function<void(Response)>;
using RequestPtr = std::shared_ptr<Request>;
// Handlers may answer inline or hand the Reply to another thread.
using Handler = std::function<void(RequestPtr, Reply)>;

std::string PercentDecode(std::string_view in, bool plus_as_space);
std::string PercentEncode(std::string_view in);
// Parses "a=1&b=2" into decoded pairs.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);

}  // namespace ordo::http
