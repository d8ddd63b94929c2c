#pragma once
// C++ client of Ordo's REST API for scripts, operators and the `ordo` subcommands. It trades
// the access key and secret for a JWT once (POST /api/auth/jwt), sends every call with that
// token, and fetches a new one shortly before it expires — or once, when the server answers
// 401 (the access was regenerated or the server's keys rotated).
//
// One Client per thread: it is not thread-safe. It keeps the secret in memory for renewals and
// wipes it when destroyed.

#include <chrono>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/error.h"

namespace ordo::client {

struct LibCurl;  // libcurl.h: the library's functions, loaded on first use

struct ClientOptions {
  std::string base_url = "http://127.0.0.1:8080";
  std::string access_key;
  std::string secret_key;
  // Renew when less than this is left of the token's life.
  std::chrono::seconds renew_before{60};
  long timeout_seconds = 30;
  bool verify_tls = true;
};

struct HttpResult {
  int status = 0;
  std::string body;
  std::string content_type;
  bool ok() const { return status >= 200 && status < 300; }
};

// When the held token must be replaced. Pure, so that renewal is tested with a fake clock.
bool TokenNeedsRenewal(TimePoint now, TimePoint expires_at, std::chrono::seconds renew_before);

class Client {
 public:
  explicit Client(ClientOptions options, const Clock& clock = SystemClock::Instance());
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends `method path` with the token. Transport failures are kUnavailable; any HTTP status is a
  // value (the caller reads problem details from the body).
  [[nodiscard]] Result<HttpResult> Send(const std::string& method, const std::string& path,
                                        const std::string& body = "",
                                        const std::string& content_type = "application/json");
  // How many tokens this client has fetched (for tests and diagnostics).
  int tokens_fetched() const { return tokens_fetched_; }

 private:
  [[nodiscard]] Status FetchToken();
  [[nodiscard]] Result<HttpResult> Perform(const std::string& method, const std::string& path,
                                           const std::string& body, const std::string& content_type,
                                           bool basic);

  ClientOptions options_;
  const Clock& clock_;
  const LibCurl* curl_lib_ = nullptr;  // libcurl, loaded on first use (libcurl.h)
  void* curl_ = nullptr;               // CURL*, kept for connection reuse
  std::string curl_error_;             // why libcurl could not be loaded
  std::string token_;
  TimePoint token_expires_at_{};
  int tokens_fetched_ = 0;
};

}  // namespace ordo::client
