#include "http/request_parser.h"

#include <algorithm>
#include <cctype>

namespace ordo::http {
namespace {

RequestParser* Self(http_parser* p) { return static_cast<RequestParser*>(p->data); }

std::string Lower(std::string s) {
  std::ranges::transform(s, s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

RequestParser::RequestParser(ParserLimits limits,
                             std::function<std::size_t(const Request&)> body_limit)
    : limits_(limits), body_limit_fn_(std::move(body_limit)) {
  settings_.on_message_begin = &OnMessageBegin;
  settings_.on_url = &OnUrl;
  settings_.on_header_field = &OnHeaderField;
  settings_.on_header_value = &OnHeaderValue;
  settings_.on_headers_complete = &OnHeadersComplete;
  settings_.on_body = &OnBody;
  settings_.on_message_complete = &OnMessageComplete;
  Reset();
}

void RequestParser::Reset() {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
  request_ = Request{};
  field_.clear();
  value_.clear();
  in_value_ = false;
  header_bytes_ = 0;
  body_limit_ = 0;
  started_ = false;
  headers_complete_ = false;
  message_complete_ = false;
  wants_continue_ = false;
  keep_alive_ = false;
  error_.reset();
}

Request RequestParser::TakeRequest() {
  Request out = std::move(request_);
  Reset();
  return out;
}

RequestParser::FeedResult RequestParser::Feed(const char* data, std::size_t size) {
  if (size > 0) started_ = true;
  const std::size_t consumed = http_parser_execute(&parser_, &settings_, data, size);
  if (error_) return {State::kError, consumed};
  const auto err = HTTP_PARSER_ERRNO(&parser_);
  if (message_complete_) {
    // Paused in OnMessageComplete: the rest of the buffer belongs to the next request.
    http_parser_pause(&parser_, 0);
    return {State::kComplete, consumed};
  }
  if (err == HPE_HEADER_OVERFLOW) {
    error_ = Error{ErrorCode::kHeadersTooLarge, "request headers are too large", {}, {}};
    return {State::kError, consumed};
  }
  if (err != HPE_OK) {
    error_ = Error{ErrorCode::kInvalidArgument,
                   std::string("malformed HTTP request: ") + http_errno_description(err),
                   {},
                   {}};
    return {State::kError, consumed};
  }
  return {State::kNeedMore, consumed};
}

int RequestParser::CountHeaderBytes(std::size_t len) {
  header_bytes_ += len;
  if (header_bytes_ > limits_.max_header_bytes) {
    error_ = Error{ErrorCode::kHeadersTooLarge,
                   "request headers exceed the limit of " +
                       std::to_string(limits_.max_header_bytes) + " bytes",
                   {},
                   {}};
    return 1;
  }
  return 0;
}

int RequestParser::OnMessageBegin(http_parser* p) {
  Self(p)->started_ = true;
  return 0;
}

int RequestParser::OnUrl(http_parser* p, const char* at, std::size_t len) {
  RequestParser* self = Self(p);
  self->request_.target.append(at, len);
  if (self->request_.target.size() > self->limits_.max_request_line) {
    self->error_ = Error{ErrorCode::kUriTooLong,
                         "request target exceeds the limit of " +
                             std::to_string(self->limits_.max_request_line) + " bytes",
                         {},
                         {}};
    return 1;
  }
  return self->CountHeaderBytes(len);
}

void RequestParser::FlushHeader() {
  if (!field_.empty()) request_.headers.emplace_back(Lower(std::move(field_)), std::move(value_));
  field_.clear();
  value_.clear();
  in_value_ = false;
}

int RequestParser::OnHeaderField(http_parser* p, const char* at, std::size_t len) {
  RequestParser* self = Self(p);
  if (self->in_value_) self->FlushHeader();
  self->field_.append(at, len);
  return self->CountHeaderBytes(len + 4);  // ": " and CRLF count towards the block too
}

int RequestParser::OnHeaderValue(http_parser* p, const char* at, std::size_t len) {
  RequestParser* self = Self(p);
  self->in_value_ = true;
  self->value_.append(at, len);
  return self->CountHeaderBytes(len);
}

int RequestParser::OnHeadersComplete(http_parser* p) {
  RequestParser* self = Self(p);
  self->FlushHeader();
  Request& r = self->request_;
  r.method = http_method_str(static_cast<http_method>(p->method));
  const std::string& target = r.target;
  const std::size_t q = target.find('?');
  const std::string raw_path = target.substr(0, q);
  if (raw_path.empty() || raw_path.front() != '/') {
    self->error_ =
        Error{ErrorCode::kInvalidArgument, "request target must be an absolute path", {}, {}};
    return 1;
  }
  r.path = raw_path;  // kept raw: the router splits before decoding
  r.query = q == std::string::npos ? "" : target.substr(q + 1);
  self->headers_complete_ = true;
  self->body_limit_ = self->body_limit_fn_ ? self->body_limit_fn_(r) : 0;
  // Content-Length is known before any body byte is read: refuse at once.
  if ((p->flags & F_CONTENTLENGTH) != 0 && p->content_length > self->body_limit_) {
    self->error_ =
        Error{ErrorCode::kPayloadTooLarge,
              "request body exceeds the limit of " + std::to_string(self->body_limit_) + " bytes",
              {},
              {}};
    return 1;
  }
  if (auto expect = r.Header("expect"); expect && Lower(std::string(*expect)) == "100-continue") {
    self->wants_continue_ = true;
  }
  return 0;
}

int RequestParser::OnBody(http_parser* p, const char* at, std::size_t len) {
  RequestParser* self = Self(p);
  if (self->request_.body.size() + len > self->body_limit_) {
    // Chunked bodies announce no length: stop as soon as the limit is crossed.
    self->error_ =
        Error{ErrorCode::kPayloadTooLarge,
              "request body exceeds the limit of " + std::to_string(self->body_limit_) + " bytes",
              {},
              {}};
    return 1;
  }
  self->request_.body.append(at, len);
  return 0;
}

int RequestParser::OnMessageComplete(http_parser* p) {
  RequestParser* self = Self(p);
  self->message_complete_ = true;
  self->keep_alive_ = http_should_keep_alive(p) != 0;
  http_parser_pause(p, 1);
  return 0;
}

}  // namespace ordo::http
