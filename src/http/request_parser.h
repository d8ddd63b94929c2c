#pragma once
// Turns bytes from one connection into Requests, enforcing the size limits while parsing so
// that a too-long request line (414), header block (431) or body (413) is refused before it is
// read whole. Wraps http_parser (the C parser nginx-derived servers and RESTinio use).
// One instance per connection; not thread-safe.

#include <http_parser.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "core/error.h"
#include "http/message.h"

namespace ordo::http {

struct ParserLimits {
  std::size_t max_request_line = std::size_t{8} * 1024;
  std::size_t max_header_bytes = std::size_t{16} * 1024;
};

class RequestParser {
 public:
  enum class State {
    kNeedMore,  // everything consumed, no complete request yet
    kComplete,  // a request is ready (TakeRequest); `consumed` tells how far it went
    kError,     // error() says what; the connection must answer it and close
  };
  struct FeedResult {
    State state;
    std::size_t consumed;
  };

  // `body_limit` is asked once per request when its headers are complete.
  RequestParser(ParserLimits limits, std::function<std::size_t(const Request&)> body_limit);

  FeedResult Feed(const char* data, std::size_t size);
  // True once any byte of the current request arrived.
  bool started() const { return started_; }
  bool headers_complete() const { return headers_complete_; }
  // The client sent `Expect: 100-continue` and its body is within the limit.
  bool wants_continue() const { return wants_continue_; }
  // After kComplete: whether the connection may carry another request.
  bool keep_alive() const { return keep_alive_; }
  const Error& error() const { return *error_; }
  // What was parsed of the current request so far (for error responses).
  const Request& partial() const { return request_; }
  // After kComplete: moves the request out and resets for the next one.
  Request TakeRequest();

 private:
  static int OnMessageBegin(http_parser* p);
  static int OnUrl(http_parser* p, const char* at, std::size_t len);
  static int OnHeaderField(http_parser* p, const char* at, std::size_t len);
  static int OnHeaderValue(http_parser* p, const char* at, std::size_t len);
  static int OnHeadersComplete(http_parser* p);
  static int OnBody(http_parser* p, const char* at, std::size_t len);
  static int OnMessageComplete(http_parser* p);

  void Reset();
  void FlushHeader();
  int CountHeaderBytes(std::size_t len);

  ParserLimits limits_;
  std::function<std::size_t(const Request&)> body_limit_fn_;
  http_parser parser_{};
  http_parser_settings settings_{};
  Request request_;
  std::string field_, value_;
  bool in_value_ = false;
  std::size_t header_bytes_ = 0;
  std::size_t body_limit_ = 0;
  bool started_ = false;
  bool headers_complete_ = false;
  bool message_complete_ = false;
  bool wants_continue_ = false;
  bool keep_alive_ = false;
  std::optional<Error> error_;
};

}  // namespace ordo::http
