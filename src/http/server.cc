#include "http/server.h"

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <array>
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/cpus.h"
#include "http/request_parser.h"

namespace ordo::http {
namespace {

using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::io_context::executor_type>;
using PlainStream = tcp::socket;
using TlsStream = asio::ssl::stream<tcp::socket>;
using SteadyClock = std::chrono::steady_clock;

const char* Reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

bool ValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::ranges::all_of(
      id, [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; });
}

// Into `out`, whose capacity is reused from one response to the next.
void Serialize(const Request& request, const Response& response, bool keep_alive,
               std::string& out) {
  out.clear();
  out.reserve(256 + response.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += Reason(response.status);
  out += "\r\n";
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (response.status != 204 && response.status != 304) {
    out += "Content-Length: ";
    out += std::to_string(response.body.size());
    out += "\r\n";
  }
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  if (request.method != "HEAD" && response.status != 204 && response.status != 304) {
    out += response.body;
  }
}

}  // namespace

std::string ClientAddress(const std::string& peer, std::string_view forwarded_for,
                          const std::vector<std::string>& trusted_proxies) {
  auto trusted = [&](std::string_view a) {
    return std::ranges::find(trusted_proxies, a) != trusted_proxies.end();
  };
  if (!trusted(peer)) return peer;  // anyone else could write any header
  std::string address = peer;
  // Walk from the nearest hop outwards; stop at the first address no trusted proxy vouches for.
  while (!forwarded_for.empty()) {
    const std::size_t comma = forwarded_for.rfind(',');
    std::string_view hop =
        comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
    forwarded_for = comma == std::string_view::npos ? "" : forwarded_for.substr(0, comma);
    while (!hop.empty() && hop.front() == ' ') hop.remove_prefix(1);
    while (!hop.empty() && hop.back() == ' ') hop.remove_suffix(1);
    asio::error_code ec;
    const auto parsed = asio::ip::make_address(std::string(hop), ec);
    if (ec) break;  // garbage: keep the last address we could trust
    address = parsed.to_string();
    if (!trusted(address)) break;
  }
  return address;
}

namespace {

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void PostClose(bool only_if_idle) = 0;
  // On the connection's loop: acts on a deadline that has passed (408 or close).
  virtual void ExpireIfDue(SteadyClock::time_point now) = 0;
};

// One I/O thread with its own io_context (concurrency hint 1: asio skips the locking a shared
// context needs) and the connections it serves. A connection lives on one loop for its whole
// life, so its state needs no strand; only Replies completed on other threads post into it.
//
// Timeouts: instead of a timer re-armed on every request (a timerfd_settime syscall each time),
// each connection keeps a deadline and one periodic sweep per loop closes the overdue ones.
// A timeout therefore fires up to one sweep period late.
struct Loop {
  // Declared before io: destroying io destroys pending handlers, and with them connections
  // that unregister here.
  std::mutex mu;  // guards conns: connections may be destroyed on any thread
  std::unordered_map<ConnectionBase*, std::weak_ptr<ConnectionBase>> conns;
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  asio::steady_timer sweep{io};
  std::thread thread;

  void Register(ConnectionBase* c, std::weak_ptr<ConnectionBase> w) {
    std::lock_guard lock(mu);
    conns[c] = std::move(w);
  }
  void Unregister(ConnectionBase* c) {
    std::lock_guard lock(mu);
    conns.erase(c);
  }
  std::vector<std::shared_ptr<ConnectionBase>> Open() {
    // Strong references are taken under the lock and used outside it: dropping the last one
    // destroys the connection, whose destructor takes the same lock.
    std::vector<std::shared_ptr<ConnectionBase>> open;
    std::lock_guard lock(mu);
    open.reserve(conns.size());
    for (auto& [ptr, weak] : conns) {
      if (auto c = weak.lock()) open.push_back(std::move(c));
    }
    return open;
  }
};

// The loop whose thread is running, if any: a Reply completed on its own connection's loop
// thread writes at once instead of posting a task to itself.
thread_local const Loop* t_current_loop = nullptr;

// Request ids need to be unique in the logs, not secret: a per-thread random start and a
// counter mixed by splitmix64 avoid a getrandom() syscall per request.
std::string NextRequestId() {
  thread_local uint64_t state = [] {
    uint64_t seed = 0;
    randombytes_buf(&seed, sizeof seed);
    return seed;
  }();
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, z >>= 4) id[static_cast<std::size_t>(i)] = kHex[z & 0xf];
  return id;
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Dispatcher dispatcher)
      : options_(std::move(options)), dispatcher_(std::move(dispatcher)) {
    const std::size_t n = options_.io_threads == 0 ? UsableCores() : options_.io_threads;
    for (std::size_t i = 0; i < n; ++i) loops_.push_back(std::make_unique<Loop>());
    acceptor_ = std::make_unique<tcp::acceptor>(loops_.front()->io);
    // Deadlines are checked a few times per shortest timeout, at most twice a second.
    const auto shortest =
        std::min({options_.header_timeout, options_.body_timeout, options_.idle_timeout});
    sweep_period_ =
        std::clamp(shortest / 8, std::chrono::milliseconds(5), std::chrono::milliseconds(500));
  }

  ~Impl() {
    // The acceptor before its io_context; the loops (and the connections their pending
    // handlers hold) before the counters those connections update.
    acceptor_.reset();
    loops_.clear();
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  Status Listen();
  Status Start();
  void Stop(std::chrono::milliseconds grace);
  void Accept();
  void Sweep(Loop& loop);
  void CloseAll(bool only_if_idle) {
    for (auto& loop : loops_) {
      for (auto& c : loop->Open()) c->PostClose(only_if_idle);
    }
  }

  ServerOptions options_;
  Dispatcher dispatcher_;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::size_t next_loop_ = 0;  // round-robin for new connections; touched by loop 0 only
  std::chrono::milliseconds sweep_period_{500};
  std::optional<asio::ssl::context> ssl_;
  std::unique_ptr<tcp::acceptor> acceptor_;  // on loop 0; reset before the loops go
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<uint16_t> port_{0};
  bool started_ = false;
  bool listening_ = false;
};

namespace {

template <typename Stream>
tcp::socket& Lowest(Stream& s) {
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    return s.next_layer();
  } else {
    return s;
  }
}

// One client connection. Every member is touched only on its loop's thread, except through
// PostClose/ReplyState, which post onto it.
template <typename Stream>
class Connection final : public ConnectionBase,
                         public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(Server::Impl& server, Loop& loop, Stream stream)
      : server_(server),
        loop_(loop),
        stream_(std::move(stream)),
        parser_(ParserLimits{server.options_.max_request_line, server.options_.max_header_bytes},
                server.dispatcher_.body_limit) {
    asio::error_code ec;
    const auto remote = Lowest(stream_).remote_endpoint(ec);
    if (!ec) client_address_ = remote.address().to_string();
    Lowest(stream_).set_option(tcp::no_delay(true), ec);
  }

  ~Connection() override {
    loop_.Unregister(this);
    --server_.connections_;
  }

  // On the loop's thread.
  void Start() {
    loop_.Register(this, this->weak_from_this());
    if constexpr (std::is_same_v<Stream, PlainStream>) {
      asio::error_code ignored;
      stream_.non_blocking(true, ignored);  // for the inline write (async ops are unaffected)
    }
    ArmTimer(server_.options_.header_timeout);
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](const asio::error_code& ec) {
                                if (ec) return self->Close();
                                self->ReadMore();
                              });
    } else {
      ReadMore();
    }
  }

  void PostClose(bool only_if_idle) override {
    asio::post(loop_.io, [self = this->shared_from_this(), only_if_idle] {
      if (!only_if_idle || (!self->busy_ && !self->parser_.started())) self->Close();
    });
  }

  void ExpireIfDue(SteadyClock::time_point now) override {
    if (closed_ || busy_ || now < deadline_) return;
    deadline_ = SteadyClock::time_point::max();
    if (parser_.started() && !lingering_) {
      RespondToParseError(
          Error{ErrorCode::kRequestTimeout, "the request was not received in time", {}, {}});
    } else {
      Close();
    }
  }

  // On the loop's thread, with the handler's response.
  void Write(std::shared_ptr<Request> request, Response response) {
    awaiting_answer_ = nullptr;
    if (closed_) return FinishRequest(*request, response);
    response.Set("X-Request-Id", request->request_id);
    keep_alive_ = keep_alive_ && !server_.stopping_;
    if (auto c = response.Get("Connection"); c && *c == "close") keep_alive_ = false;
    std::erase_if(response.headers, [](const auto& h) { return h.first == "Connection"; });
    Serialize(*request, response, keep_alive_, out_);
    std::size_t sent = 0;
    if constexpr (std::is_same_v<Stream, PlainStream>) {
      // Almost every response fits the socket's send buffer: send it now (the socket is
      // non-blocking) instead of taking a round through the scheduler.
      asio::error_code ec;
      sent = stream_.write_some(asio::buffer(out_), ec);
      if ((!ec && sent == out_.size()) || (ec && ec != asio::error::would_block)) {
        FinishRequest(*request, response);
        return AfterWrite(ec, /*written_inline=*/true);
      }
    }
    asio::async_write(stream_, asio::buffer(out_.data() + sent, out_.size() - sent),
                      [self = this->shared_from_this(), request, response = std::move(response)](
                          const asio::error_code& ec, std::size_t) mutable {
                        self->FinishRequest(*request, response);
                        self->AfterWrite(ec, /*written_inline=*/false);
                      });
  }

 private:
  // Note: asio (1.22) retries a read speculatively whenever the last one returned data, so after
  // a response about every other read is an EAGAIN recv(). Waiting for readiness instead
  // (async_wait) was measured worse: asio re-arms the descriptor with epoll_ctl on every wait.
  void ReadMore() {
    if (closed_) return;
    stream_.async_read_some(asio::buffer(buffer_), [self = this->shared_from_this()](
                                                       const asio::error_code& ec, std::size_t n) {
      if (ec) return self->Close();
      self->Feed(self->buffer_.data(), n);
    });
  }

  void Feed(const char* data, std::size_t size) {
    const bool was_started = parser_.started();
    const bool had_headers = parser_.headers_complete();
    const auto result = parser_.Feed(data, size);
    if (!was_started && parser_.started()) {
      started_at_ = SteadyClock::now();
      ArmTimer(server_.options_.header_timeout, started_at_);
    }
    switch (result.state) {
      case RequestParser::State::kError:
        return RespondToParseError(parser_.error());
      case RequestParser::State::kComplete: {
        pending_.assign(data + result.consumed, size - result.consumed);
        keep_alive_ = parser_.keep_alive();
        return Dispatch(parser_.TakeRequest());
      }
      case RequestParser::State::kNeedMore:
        break;
    }
    if (!had_headers && parser_.headers_complete()) {
      if (server_.dispatcher_.answer_before_body) {
        auto request = std::make_shared<Request>(parser_.partial());
        Prepare(*request);
        if (auto early = server_.dispatcher_.answer_before_body(*request)) {
          keep_alive_ = false;  // the body was not read
          busy_ = true;
          ++server_.in_flight_;
          return Write(request, std::move(*early));
        }
      }
      ArmTimer(server_.options_.body_timeout);
      if (parser_.wants_continue()) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        asio::async_write(
            stream_, asio::buffer(kContinue.data(), kContinue.size()),
            [self = this->shared_from_this()](const asio::error_code& ec, std::size_t) {
              if (ec) return self->Close();
              self->ReadMore();
            });
        return;
      }
    }
    ReadMore();
  }

  void Prepare(Request& r) {
    auto incoming = r.Header("x-request-id");
    r.request_id = incoming && ValidRequestId(*incoming) ? std::string(*incoming) : NextRequestId();
    if (const auto forwarded = r.Header("x-forwarded-for")) {
      r.client_address =
          ClientAddress(client_address_, *forwarded, server_.options_.trusted_proxies);
    } else {
      r.client_address = client_address_;
    }
    r.tls = std::is_same_v<Stream, TlsStream>;
  }

  void RespondToParseError(const Error& error) {
    auto request = std::make_shared<Request>(parser_.partial());
    if (request->method.empty()) request->method = "GET";
    Prepare(*request);
    keep_alive_ = false;  // the rest of the stream cannot be trusted or was not read
    busy_ = true;
    ++server_.in_flight_;
    Write(request, server_.dispatcher_.render_error(error, *request));
  }

  void Dispatch(Request parsed) {
    busy_ = true;
    ++server_.in_flight_;
    deadline_ = SteadyClock::time_point::max();
    auto request = std::make_shared<Request>(std::move(parsed));
    Prepare(*request);
    auto state = std::make_shared<ReplyState>(this->shared_from_this(), request);
    Reply reply = [state](Response response) { state->Complete(std::move(response)); };
    awaiting_answer_ = request.get();
    try {
      server_.dispatcher_.handle(request, std::move(reply));
    } catch (const std::exception& e) {
      spdlog::error("event=unhandled_exception request_id={} error=\"{}\"", request->request_id,
                    e.what());
      state->Complete(server_.dispatcher_.render_error(
          Error{ErrorCode::kInternal, "internal error", {}, {}}, *request));
    }
    if (awaiting_answer_ == request.get() && !closed_) WatchForHangUp(request);
  }

  // The handler went on elsewhere (a password hash, a group commit). No read is pending
  // meanwhile, so without this the server would learn that the client hung up only when it
  // writes the answer: a readiness wait, then recv(MSG_PEEK) returning 0 at the end of the
  // stream, raises the request's client_gone and queued slow work can skip it. One epoll_ctl per
  // asynchronous request; answers given inside the handler never arm it.
  void WatchForHangUp(const std::shared_ptr<Request>& request) {
    Lowest(stream_).async_wait(tcp::socket::wait_read, [self = this->shared_from_this(),
                                                        request](const asio::error_code& ec) {
      if (ec || self->awaiting_answer_ != request.get()) return;
      char byte = 0;
      const ssize_t n =
          ::recv(Lowest(self->stream_).native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n > 0) return;  // a pipelined request: read once this one is answered
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return self->WatchForHangUp(request);
      }
      request->client_gone.Raise();
    });
  }

  void FinishRequest(const Request& request, const Response& response) {
    if (!busy_) return;
    busy_ = false;
    if (server_.dispatcher_.on_complete) {
      server_.dispatcher_.on_complete(request, response, SteadyClock::now() - started_at_);
    }
    --server_.in_flight_;
  }

  void AfterWrite(const asio::error_code& ec, bool written_inline) {
    if (ec) return Close();
    if (!keep_alive_) return LingerClose();
    if (!pending_.empty() && written_inline) {
      // A pipelined request: answer it from a fresh handler, not deeper in this call stack.
      asio::post(loop_.io, [self = this->shared_from_this()] { self->AfterWrite({}, false); });
      return;
    }
    if (!pending_.empty()) {
      std::string next = std::move(pending_);
      pending_.clear();
      return Feed(next.data(), next.size());
    }
    ArmTimer(server_.options_.idle_timeout);
    ReadMore();
  }

  void ArmTimer(std::chrono::milliseconds after, SteadyClock::time_point now = SteadyClock::now()) {
    deadline_ = now + after;
  }

  // Closing a socket that still has unread request bytes makes the kernel send a reset, which can
  // destroy the error response (413) before the client reads it. Shut down our side, then drain
  // what the client still sends for a moment before closing.
  void LingerClose() {
    asio::error_code ignored;
    Lowest(stream_).shutdown(tcp::socket::shutdown_send, ignored);
    lingering_ = true;
    ArmTimer(std::chrono::milliseconds(2000));
    Drain();
  }

  void Drain() {
    if (closed_) return;
    Lowest(stream_).async_read_some(
        asio::buffer(buffer_),
        [self = this->shared_from_this()](const asio::error_code& ec, std::size_t) {
          if (ec) return self->Close();
          self->Drain();
        });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    deadline_ = SteadyClock::time_point::max();
    asio::error_code ignored;
    Lowest(stream_).shutdown(tcp::socket::shutdown_both, ignored);
    Lowest(stream_).close(ignored);
  }

  // Shared by every copy of one request's Reply. Completes at most once; when the last copy is
  // destroyed without a call, answers 500 so the client is never left hanging.
  class ReplyState {
   public:
    ReplyState(std::shared_ptr<Connection> conn, std::shared_ptr<Request> request)
        : conn_(std::move(conn)), request_(std::move(request)) {}
    ~ReplyState() {
      if (!done_.load()) {
        spdlog::error("event=reply_dropped request_id={}", request_->request_id);
        Complete(conn_->server_.dispatcher_.render_error(
            Error{ErrorCode::kInternal, "internal error", {}, {}}, *request_));
      }
    }
    void Complete(Response response) {
      if (done_.exchange(true)) return;
      if (t_current_loop == &conn_->loop_) {
        // Already on the connection's thread (the common, synchronous handler): write now.
        return conn_->Write(request_, std::move(response));
      }
      asio::post(conn_->loop_.io,
                 [conn = conn_, request = request_, response = std::move(response)]() mutable {
                   conn->Write(std::move(request), std::move(response));
                 });
    }

   private:
    std::shared_ptr<Connection> conn_;
    std::shared_ptr<Request> request_;
    std::atomic<bool> done_{false};
  };

  Server::Impl& server_;
  Loop& loop_;
  Stream stream_;
  SteadyClock::time_point deadline_ = SteadyClock::time_point::max();
  RequestParser parser_;
  std::array<char, 16 * 1024> buffer_{};
  std::string pending_;
  std::string out_;
  std::string client_address_;
  SteadyClock::time_point started_at_ = SteadyClock::now();
  bool keep_alive_ = false;
  bool busy_ = false;
  bool closed_ = false;
  bool lingering_ = false;
  const Request* awaiting_answer_ = nullptr;  // dispatched, its answer not yet being written
};

}  // namespace

Status Server::Impl::Listen() {
  if (listening_) return {};
  if (options_.tls_cert_file.has_value() != options_.tls_key_file.has_value()) {
    return Fail(ErrorCode::kInvalidArgument, "--tls-cert and --tls-key must be given together");
  }
  if (options_.tls_cert_file) {
    ssl_.emplace(asio::ssl::context::tls_server);
    ssl_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    asio::error_code ec;
    ssl_->use_certificate_chain_file(*options_.tls_cert_file, ec);
    if (ec) {
      return Fail(ErrorCode::kInvalidArgument,
                  "cannot use TLS certificate " + *options_.tls_cert_file + ": " + ec.message());
    }
    ssl_->use_private_key_file(*options_.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) {
      return Fail(ErrorCode::kInvalidArgument,
                  "cannot use TLS key " + *options_.tls_key_file + ": " + ec.message());
    }
  }
  asio::error_code ec;
  tcp::resolver resolver(loops_.front()->io);
  auto endpoints =
      resolver.resolve(options_.host, std::to_string(options_.port), tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "cannot resolve listen address " + options_.host);
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Fail(ErrorCode::kUnavailable, "cannot listen on " + where + ": " + ec.message());
  }
  port_ = acceptor_->local_endpoint().port();
  listening_ = true;
  return {};
}

Status Server::Impl::Start() {
  if (Status st = Listen(); !st) return st;
  Accept();
  for (auto& loop : loops_) {
    Sweep(*loop);
    loop->thread = std::thread([this, l = loop.get()] {
      t_current_loop = l;
      for (;;) {
        try {
          l->io.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("event=io_thread_exception error=\"{}\"", e.what());
        }
      }
    });
  }
  started_ = true;
  return {};
}

void Server::Impl::Sweep(Loop& loop) {
  loop.sweep.expires_after(sweep_period_);
  loop.sweep.async_wait([this, &loop](const asio::error_code& ec) {
    if (ec) return;
    const auto now = SteadyClock::now();
    for (auto& c : loop.Open()) c->ExpireIfDue(now);
    Sweep(loop);
  });
}

void Server::Impl::Accept() {
  // Accepted on loop 0; each new socket belongs to the next loop in turn.
  Loop& target = *loops_[next_loop_];
  next_loop_ = (next_loop_ + 1) % loops_.size();
  acceptor_->async_accept(
      target.io, [this, &target](const asio::error_code& ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
        if (!ec) {
          if (connections_.load() >= options_.max_connections || stopping_) {
            asio::error_code ignored;
            socket.close(ignored);
          } else {
            ++connections_;
            std::shared_ptr<ConnectionBase> conn;
            if (ssl_) {
              auto c = std::make_shared<Connection<TlsStream>>(*this, target,
                                                               TlsStream(std::move(socket), *ssl_));
              asio::post(target.io, [c] { c->Start(); });
            } else {
              auto c = std::make_shared<Connection<PlainStream>>(*this, target, std::move(socket));
              if (&target == t_current_loop) {
                c->Start();
              } else {
                asio::post(target.io, [c] { c->Start(); });
              }
            }
          }
        } else {
          spdlog::warn("event=accept_failed error=\"{}\"", ec.message());
        }
        Accept();
      });
}

void Server::Impl::Stop(std::chrono::milliseconds grace) {
  if (!started_ || stopping_.exchange(true)) return;
  asio::post(loops_.front()->io, [this] {
    asio::error_code ignored;
    acceptor_->close(ignored);
  });
  CloseAll(/*only_if_idle=*/true);
  const auto deadline = SteadyClock::now() + grace;
  while (in_flight_.load() > 0 && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CloseAll(/*only_if_idle=*/false);
  const auto close_deadline = SteadyClock::now() + std::chrono::seconds(2);
  while (connections_.load() > 0 && SteadyClock::now() < close_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& loop : loops_) {
    loop->work.reset();
    loop->io.stop();
  }
  for (auto& loop : loops_) {
    if (loop->thread.joinable()) loop->thread.join();
  }
}

Server::Server(ServerOptions options, Dispatcher dispatcher)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(dispatcher))) {}

Server::~Server() { impl_->Stop(std::chrono::milliseconds(0)); }

Status Server::Listen() { return impl_->Listen(); }
Status Server::Start() { return impl_->Start(); }
void Server::Stop(std::chrono::milliseconds grace) { impl_->Stop(grace); }
uint16_t Server::port() const { return impl_->port_.load(); }
bool Server::tls() const { return impl_->ssl_.has_value(); }
std::size_t Server::open_connections() const { return impl_->connections_.load(); }

}  // namespace ordo::http
