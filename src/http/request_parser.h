#pragma once
// Incremental HTTP/1.1 request parser: bytes in, Requests out, with the limits that decide
// 414, 431 and 413 before the rest of a request is read.
//
// Ordo's own rather than http_parser's: that library walks every byte through a state machine
// and calls back per fragment, which cost more instructions than the rest of a Bearer request
// together (callgrind, issue 8). Here the head is collected until its blank line, then split
// with memchr; bodies are copied in blocks. Strict where leniency enables request smuggling:
// Content-Length and Transfer-Encoding together, conflicting lengths, a transfer coding other
// than chunked, obsolete header folding and control characters are all 400.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "http/message.h"

namespace ordo::http {

struct ParserLimits {
  std::size_t max_request_line = std::size_t{8} * 1024;   // longer target → 414
  std::size_t max_header_bytes = std::size_t{16} * 1024;  // longer head (or trailers) → 431
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

  // `body_limit` is asked at most once per request, when it turns out to have a body.
  RequestParser(ParserLimits limits, std::function<std::size_t(const Request&)> body_limit);

  FeedResult Feed(const char* data, std::size_t size);
  // True once any byte of the current request arrived.
  bool started() const { return started_; }
  bool headers_complete() const { return phase_ != Phase::kHead; }
  // The client sent `Expect: 100-continue` and its body is within the limit.
  bool wants_continue() const { return wants_continue_; }
  // After kComplete: whether the connection may carry another request.
  bool keep_alive() const { return keep_alive_; }
  // After kError only.
  const Error& error() const { return *error_; }  // NOLINT(bugprone-unchecked-optional-access)
  // What was parsed of the current request so far (for error responses).
  const Request& partial() const { return request_; }
  // After kComplete: moves the request out and resets for the next one.
  Request TakeRequest();

 private:
  enum class Phase { kHead, kBody, kChunkSize, kChunkData, kChunkEnd, kTrailers, kDone };

  void Reset();
  // Consumes head bytes; true once the blank line ending the head was seen.
  bool TakeHead(const char* data, std::size_t size, std::size_t& pos);
  bool ParseHead();  // head_ → request_; false with error_ set
  bool ParseHeader(std::string_view line, std::optional<std::size_t>& content_length, bool& chunked,
                   bool& saw_transfer_encoding);
  // Copies up to remaining_ body bytes; true when none remain.
  bool TakeBody(const char* data, std::size_t size, std::size_t& pos);
  // Collects one CRLF- (or LF-) terminated line into line_; true when complete.
  bool TakeLine(const char* data, std::size_t size, std::size_t& pos, std::size_t limit);
  bool Fail(ErrorCode code, std::string detail);
  std::size_t BodyLimit();

  ParserLimits limits_;
  std::function<std::size_t(const Request&)> body_limit_fn_;
  Request request_;
  std::string head_;  // the head as received, until its blank line
  std::string line_;  // a chunk-size line or trailer line being collected
  Phase phase_ = Phase::kHead;
  std::size_t remaining_ = 0;      // body bytes still expected (kBody, kChunkData)
  std::size_t trailer_bytes_ = 0;  // counted against max_header_bytes
  std::optional<std::size_t> body_limit_;
  bool started_ = false;
  bool wants_continue_ = false;
  bool keep_alive_ = false;
  std::optional<Error> error_;
};

}  // namespace ordo::http
