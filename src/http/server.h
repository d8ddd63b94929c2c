#pragma once
// Ordo's HTTP/1.1 server: asio for sockets and TLS, its own parser for the wire format.
//
// Why not a framework: RESTinio (our first choice, DESIGN.md section 7) answers an oversized
// request line, header block or body by closing the connection, while API.md requires 414,
// 431 and 413 problem responses, the last before the body is read. Owning the connection loop
// gives exact status codes, per-route body limits decided when the headers arrive, header/body
// timeouts and a connection cap.
//
// Threading: `io_threads` threads each run their own asio::io_context; a connection lives on one
// of them, so it needs no strand. Handlers run on the I/O thread that parsed the request and may
// complete their Reply from any thread. Thread-safe: Start/Stop from one controlling thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "http/message.h"

namespace ordo::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;                                   // 0 = any free port (see Server::port())
  std::size_t io_threads = 0;                             // 0 = CPUs this process may use
  std::size_t max_request_line = std::size_t{8} * 1024;   // longer → 414
  std::size_t max_header_bytes = std::size_t{16} * 1024;  // request line + headers; more → 431
  std::size_t max_connections = 10'000;                   // more are closed at accept
  // Peers whose X-Forwarded-For is believed (a load balancer in front of Ordo). For them, the
  // client address is the right-most forwarded address that is not itself a trusted proxy.
  std::vector<std::string> trusted_proxies;
  std::chrono::milliseconds header_timeout{10'000};  // first byte → end of headers; then 408
  std::chrono::milliseconds body_timeout{60'000};    // end of headers → end of body; then 408
  std::chrono::milliseconds idle_timeout{75'000};    // keep-alive connection with no request
  std::optional<std::string> tls_cert_file;          // both set → HTTPS
  std::optional<std::string> tls_key_file;
};

// What the server calls. All functions must be thread-safe.
struct Dispatcher {
  // Body limit for the request whose headers just arrived (path params not yet set).
  std::function<std::size_t(const Request&)> body_limit;
  // The complete request. Exceptions thrown here become a 500 problem via render_error.
  Handler handle;
  // Optional: asked once the headers of a request with a body still to come have arrived; a
  // response returned here is sent at once and the body is never read (e.g. 401 for a request
  // with no credentials at all, before it uploads 10 MiB). Path parameters are not yet set.
  std::function<std::optional<Response>(const Request&)> answer_before_body;
  // Renders errors the server detects itself (400, 408, 413, 414, 431, 500).
  std::function<Response(const Error&, const Request&)> render_error;
  // After the response is written (for access logs and metrics).
  std::function<void(const Request&, const Response&, std::chrono::nanoseconds)> on_complete;
};

// The client address of a request that arrived from `peer` with `forwarded_for` (the
// X-Forwarded-For value, may be empty): `peer` unless it is a trusted proxy.
std::string ClientAddress(const std::string& peer, std::string_view forwarded_for,
                          const std::vector<std::string>& trusted_proxies);

class Server {
 public:
  Server(ServerOptions options, Dispatcher dispatcher);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads TLS files and binds the address without serving yet, so that start-up can fail on a
  // busy port before it touches anything else. kUnavailable with a one-line reason when the
  // address is in use or cannot be bound, kInvalidArgument for bad TLS files. Idempotent.
  [[nodiscard]] Status Listen();
  // Listen() if not done, then starts accepting on the I/O threads.
  [[nodiscard]] Status Start();
  // Stops accepting, lets requests in flight finish for up to `grace`, then closes every
  // connection and joins the threads. Idempotent.
  void Stop(std::chrono::milliseconds grace);
  // The bound port (useful with port 0).
  uint16_t port() const;
  bool tls() const;
  std::size_t open_connections() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ordo::http
