#include "http/server.h"

#include <gtest/gtest.h>

#include <asio.hpp>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace ordo::http {
namespace {

// Sends raw bytes and reads until the server closes or one full response has arrived.
std::string RoundTrip(uint16_t port, const std::string& wire) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(wire));
  std::string out;
  std::array<char, 4096> buf{};
  asio::error_code ec;
  for (;;) {
    const std::size_t n = socket.read_some(asio::buffer(buf), ec);
    if (ec) break;
    out.append(buf.data(), n);
    const std::size_t end = out.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    const std::size_t cl = out.find("Content-Length: ");
    if (cl == std::string::npos || cl > end) break;
    const std::size_t len = std::stoul(out.substr(cl + 16));
    if (out.size() >= end + 4 + len) break;
  }
  return out;
}

int StatusOf(const std::string& response) {
  return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}

class ServerTest : public ::testing::Test {
 protected:
  void StartWith(Handler handler,
                 std::chrono::milliseconds header_timeout = std::chrono::seconds(10),
                 const std::function<void(ServerOptions&)>& tune = nullptr) {
    Dispatcher d;
    d.body_limit = [](const Request&) -> std::size_t { return 16; };
    d.handle = std::move(handler);
    d.render_error = [](const Error& e, const Request&) {
      Response r = Response::Text(e.code == ErrorCode::kRequestTimeout    ? 408
                                  : e.code == ErrorCode::kPayloadTooLarge ? 413
                                  : e.code == ErrorCode::kHeadersTooLarge ? 431
                                  : e.code == ErrorCode::kUriTooLong      ? 414
                                  : e.code == ErrorCode::kInternal        ? 500
                                                                          : 400,
                                  std::string(ErrorCodeName(e.code)));
      return r;
    };
    ServerOptions options;
    options.port = 0;
    options.io_threads = 2;
    options.header_timeout = header_timeout;
    if (tune) tune(options);
    server_ = std::make_unique<Server>(options, std::move(d));
    ASSERT_TRUE(server_->Start().has_value());
  }
  void TearDown() override {
    if (server_) server_->Stop(std::chrono::milliseconds(1000));
  }
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, AnswersAndAddsARequestId) {
  StartWith([](RequestPtr req, Reply reply) { reply(Response::Text(200, "hi " + req->path)); });
  const std::string r = RoundTrip(server_->port(), "GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(StatusOf(r), 200);
  EXPECT_NE(r.find("X-Request-Id: "), std::string::npos);
  EXPECT_NE(r.find("hi /x"), std::string::npos);
}

TEST_F(ServerTest, EchoesAValidIncomingRequestId) {
  StartWith([](RequestPtr, Reply reply) { reply(Response::Text(200, "")); });
  const std::string r =
      RoundTrip(server_->port(), "GET / HTTP/1.1\r\nX-Request-Id: abc-123\r\n\r\n");
  EXPECT_NE(r.find("X-Request-Id: abc-123\r\n"), std::string::npos);
}

TEST_F(ServerTest, CompletesFromAnotherThread) {
  StartWith([](RequestPtr, Reply reply) {
    std::thread([reply] { reply(Response::Text(201, "later")); }).detach();
  });
  EXPECT_EQ(StatusOf(RoundTrip(server_->port(), "GET / HTTP/1.1\r\n\r\n")), 201);
}

TEST_F(ServerTest, DroppedReplyAnswers500) {
  StartWith([](RequestPtr, Reply) {});
  EXPECT_EQ(StatusOf(RoundTrip(server_->port(), "GET / HTTP/1.1\r\n\r\n")), 500);
}

TEST_F(ServerTest, ExceptionAnswers500) {
  StartWith([](RequestPtr, Reply) { throw std::runtime_error("boom"); });
  const std::string r = RoundTrip(server_->port(), "GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(StatusOf(r), 500);
  EXPECT_EQ(r.find("boom"), std::string::npos);
}

TEST_F(ServerTest, OversizedBodyGets413BeforeTheBodyIsSent) {
  StartWith([](RequestPtr, Reply reply) { reply(Response::Text(200, "")); });
  // Only the headers are sent: the answer must come without waiting for the 1 MB.
  const std::string r =
      RoundTrip(server_->port(), "POST / HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n");
  EXPECT_EQ(StatusOf(r), 413);
  EXPECT_NE(r.find("Connection: close"), std::string::npos);
}

TEST_F(ServerTest, LargeHeadersGet431) {
  StartWith([](RequestPtr, Reply reply) { reply(Response::Text(200, "")); });
  const std::string r =
      RoundTrip(server_->port(), "GET / HTTP/1.1\r\nX-A: " + std::string(20000, 'a') + "\r\n\r\n");
  EXPECT_EQ(StatusOf(r), 431);
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartWith([](RequestPtr req, Reply reply) { reply(Response::Text(200, req->path)); });
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  asio::write(s, asio::buffer(std::string("GET /one HTTP/1.1\r\n\r\nGET /two HTTP/1.1\r\n"
                                          "Connection: close\r\n\r\n")));
  std::string all;
  asio::error_code ec;
  std::array<char, 4096> buf{};
  while (!ec) {
    const std::size_t n = s.read_some(asio::buffer(buf), ec);
    all.append(buf.data(), n);
  }
  const std::size_t one = all.find("/one");
  const std::size_t two = all.find("/two");
  ASSERT_NE(one, std::string::npos);
  ASSERT_NE(two, std::string::npos);
  EXPECT_LT(one, two);
}

TEST_F(ServerTest, StopWaitsForARequestInFlight) {
  std::promise<void> entered;
  StartWith([&entered](RequestPtr, Reply reply) {
    entered.set_value();
    std::thread([reply] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      reply(Response::Text(200, "finished"));
    }).detach();
  });
  auto answer = std::async(std::launch::async, [port = server_->port()] {
    return RoundTrip(port, "GET / HTTP/1.1\r\n\r\n");
  });
  entered.get_future().wait();
  server_->Stop(std::chrono::milliseconds(5000));
  const std::string r = answer.get();
  EXPECT_EQ(StatusOf(r), 200);
  EXPECT_NE(r.find("finished"), std::string::npos);
}

TEST_F(ServerTest, SlowHeadersGet408) {
  StartWith([](RequestPtr, Reply reply) { reply(Response::Text(200, "")); },
            std::chrono::milliseconds(200));
  // The request line arrives, the rest never does.
  const std::string r = RoundTrip(server_->port(), "GET / HTTP/1.1\r\nHost: a\r\n");
  EXPECT_EQ(StatusOf(r), 408);
}

TEST_F(ServerTest, SlowBodyGets408) {
  StartWith([](RequestPtr, Reply reply) { reply(Response::Text(200, "")); },
            std::chrono::seconds(10),
            [](ServerOptions& o) { o.body_timeout = std::chrono::milliseconds(200); });
  // Headers complete, the body announced but only half sent.
  const std::string r =
      RoundTrip(server_->port(), "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n12345");
  EXPECT_EQ(StatusOf(r), 408);
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  // Deadlines are checked by a periodic sweep, not a timer per request: the connection must
  // still be closed, not before the timeout and not much after it.
  StartWith([](RequestPtr, Reply reply) { reply(Response::Text(200, "ok")); },
            std::chrono::seconds(10),
            [](ServerOptions& o) { o.idle_timeout = std::chrono::milliseconds(300); });
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  asio::write(s, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: a\r\n\r\n")));
  std::array<char, 4096> buf{};
  asio::error_code ec;
  const std::size_t n = s.read_some(asio::buffer(buf), ec);
  ASSERT_FALSE(ec);
  ASSERT_EQ(StatusOf(std::string(buf.data(), n)), 200);
  const auto answered = std::chrono::steady_clock::now();
  s.read_some(asio::buffer(buf), ec);  // blocks until the server closes the connection
  const auto idle = std::chrono::steady_clock::now() - answered;
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_GE(idle, std::chrono::milliseconds(250));
  EXPECT_LT(idle, std::chrono::seconds(3));
}

TEST_F(ServerTest, AClientThatHangsUpRaisesClientGone) {
  // The handler keeps request and reply, as a handler waiting for a password hash would.
  std::mutex mu;
  RequestPtr held_request;
  std::vector<Reply> held_replies;
  std::promise<void> dispatched;
  StartWith([&](RequestPtr request, Reply reply) {
    std::lock_guard lock(mu);
    held_request = std::move(request);
    held_replies.push_back(std::move(reply));
    dispatched.set_value();
  });
  auto gone = [&] {
    std::lock_guard lock(mu);
    return held_request->client_gone.Get();
  };
  {
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    s.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    asio::write(s, asio::buffer(std::string("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")));
    ASSERT_EQ(dispatched.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(gone());  // still connected
  }                        // the client closes its socket without waiting for the answer
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!gone() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(gone());
  std::lock_guard lock(mu);
  held_replies.front()(Response::Text(200, "too late"));  // answered into a closed connection
}

TEST_F(ServerTest, StopClosesIdleKeepAliveConnections) {
  StartWith([](RequestPtr, Reply reply) { reply(Response::Text(200, "ok")); });
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  asio::write(s, asio::buffer(std::string("GET / HTTP/1.1\r\n\r\n")));
  std::array<char, 1024> buf{};
  s.read_some(asio::buffer(buf));  // answered; the connection stays open and idle
  const auto started = std::chrono::steady_clock::now();
  server_->Stop(std::chrono::milliseconds(5000));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  EXPECT_EQ(server_->open_connections(), 0u);
}

TEST(ClientAddress, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  const std::vector<std::string> proxies = {"10.0.0.1", "10.0.0.2"};
  EXPECT_EQ(ClientAddress("192.0.2.7", "198.51.100.1", proxies), "192.0.2.7");
  EXPECT_EQ(ClientAddress("10.0.0.1", "198.51.100.1", proxies), "198.51.100.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", "", proxies), "10.0.0.1");
  // A client-written spoof to the left of the real hop is ignored.
  EXPECT_EQ(ClientAddress("10.0.0.1", "1.2.3.4, 198.51.100.1", proxies), "198.51.100.1");
  // Chained trusted proxies are skipped.
  EXPECT_EQ(ClientAddress("10.0.0.1", "198.51.100.1, 10.0.0.2", proxies), "198.51.100.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", "not-an-ip", proxies), "10.0.0.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", " 2001:db8::1 ", proxies), "2001:db8::1");
}

TEST(Server, PortInUseIsAOneLineError) {
  Dispatcher d;
  d.handle = [](RequestPtr, Reply reply) { reply(Response::Text(200, "")); };
  d.render_error = [](const Error&, const Request&) { return Response::Text(500, ""); };
  ServerOptions o;
  o.port = 0;
  Server first(o, d);
  ASSERT_TRUE(first.Start().has_value());
  o.port = first.port();
  Server second(o, d);
  const Status st = second.Start();
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(st.error().detail.find("cannot listen on"), std::string::npos);
  first.Stop(std::chrono::milliseconds(100));
}

}  // namespace
}  // namespace ordo::http
