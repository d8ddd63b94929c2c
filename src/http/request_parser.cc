#include "http/request_parser.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace ordo::http {
namespace {

// RFC 9110 token characters (methods, header names), as a table: checked for every byte of
// every header name.
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = true;
  for (const char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

bool IsToken(std::string_view s) {
  return !s.empty() && std::ranges::all_of(s, [](unsigned char c) { return kTokenChars[c]; });
}

// Field values may hold visible characters, spaces, tabs and obs-text, no other controls.
bool IsFieldValueSlow(std::string_view s) {
  return std::ranges::none_of(s,
                              [](unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; });
}

// The same, eight bytes at a time: a Bearer token is a few hundred bytes and this runs for every
// header. The word test ("some byte is below 0x20 or is 0x7f", the classic has-less/has-zero bit
// tricks) never misses one; words it flags (a tab, say) get the exact byte-wise check.
bool IsFieldValue(std::string_view s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t x = 0;
    std::memcpy(&x, s.data() + i, sizeof x);
    const std::uint64_t del = x ^ (kOnes * 0x7f);
    const std::uint64_t flagged = (((x - kOnes * 0x20) & ~x) | ((del - kOnes) & ~del)) & kHighBits;
    if (flagged != 0 && !IsFieldValueSlow(s.substr(i, 8))) return false;
  }
  return IsFieldValueSlow(s.substr(i));
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

// Calls `f` with each trimmed, non-empty element of a comma-separated list.
template <typename F>
void ForEachListItem(std::string_view list, F f) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view item = TrimOws(list.substr(0, comma));
    if (!item.empty()) f(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

// Strips the line's CR before its LF.
std::string_view WithoutCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

RequestParser::RequestParser(ParserLimits limits,
                             std::function<std::size_t(const Request&)> body_limit)
    : limits_(limits), body_limit_fn_(std::move(body_limit)) {}

void RequestParser::Reset() {
  request_ = Request{};
  head_.clear();  // keeps its capacity for the next request on this connection
  line_.clear();
  phase_ = Phase::kHead;
  remaining_ = 0;
  trailer_bytes_ = 0;
  body_limit_.reset();
  started_ = false;
  wants_continue_ = false;
  keep_alive_ = false;
  error_.reset();
}

Request RequestParser::TakeRequest() {
  Request out = std::move(request_);
  Reset();
  return out;
}

bool RequestParser::Fail(ErrorCode code, std::string detail) {
  error_ = Error{code, std::move(detail), {}, {}};
  return false;
}

std::size_t RequestParser::BodyLimit() {
  if (!body_limit_) body_limit_ = body_limit_fn_ ? body_limit_fn_(request_) : 0;
  return *body_limit_;
}

RequestParser::FeedResult RequestParser::Feed(const char* data, std::size_t size) {
  if (error_) return {State::kError, 0};
  std::size_t pos = 0;
  while (pos < size || phase_ == Phase::kDone) {
    switch (phase_) {
      case Phase::kHead:
        if (!TakeHead(data, size, pos)) {
          if (error_) return {State::kError, pos};
          return {State::kNeedMore, pos};
        }
        if (!ParseHead()) return {State::kError, pos};
        break;
      case Phase::kBody:
        if (TakeBody(data, size, pos)) phase_ = Phase::kDone;
        break;
      case Phase::kChunkSize: {
        if (!TakeLine(data, size, pos, 1024)) {
          if (error_) return {State::kError, pos};
          break;
        }
        const std::string_view line = WithoutCr(line_);
        const std::string_view digits = TrimOws(line.substr(0, line.find(';')));
        std::size_t chunk = 0;
        const auto [end, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), chunk, 16);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
          Fail(ErrorCode::kInvalidArgument, "malformed HTTP request: bad chunk size");
          return {State::kError, pos};
        }
        line_.clear();
        if (chunk == 0) {
          phase_ = Phase::kTrailers;
        } else if (chunk > BodyLimit() - std::min(BodyLimit(), request_.body.size())) {
          // Chunked bodies announce no length: stop as soon as the limit would be crossed.
          Fail(ErrorCode::kPayloadTooLarge,
               "request body exceeds the limit of " + std::to_string(BodyLimit()) + " bytes");
          return {State::kError, pos};
        } else {
          remaining_ = chunk;
          phase_ = Phase::kChunkData;
        }
        break;
      }
      case Phase::kChunkData:
        if (TakeBody(data, size, pos)) phase_ = Phase::kChunkEnd;
        break;
      case Phase::kChunkEnd:
        if (!TakeLine(data, size, pos, 2)) {
          if (error_) return {State::kError, pos};
          break;
        }
        if (!WithoutCr(line_).empty()) {
          Fail(ErrorCode::kInvalidArgument, "malformed HTTP request: chunk not followed by CRLF");
          return {State::kError, pos};
        }
        line_.clear();
        phase_ = Phase::kChunkSize;
        break;
      case Phase::kTrailers: {
        const std::size_t before = pos;
        const bool complete = TakeLine(data, size, pos, limits_.max_header_bytes);
        trailer_bytes_ += pos - before;
        if (error_ || trailer_bytes_ > limits_.max_header_bytes) {
          Fail(ErrorCode::kHeadersTooLarge, "request trailers are too large");
          return {State::kError, pos};
        }
        if (!complete) break;
        // Trailer fields are read and dropped: nothing in Ordo uses them.
        if (WithoutCr(line_).empty()) phase_ = Phase::kDone;
        line_.clear();
        break;
      }
      case Phase::kDone:
        return {State::kComplete, pos};
    }
  }
  return {State::kNeedMore, pos};
}

bool RequestParser::TakeHead(const char* data, std::size_t size, std::size_t& pos) {
  if (head_.empty()) {
    // RFC 9112 section 2.2: ignore empty lines before a request line.
    while (pos < size && (data[pos] == '\r' || data[pos] == '\n')) ++pos;
    if (pos == size) return false;
  }
  started_ = true;
  const std::size_t before = head_.size();
  // Never hold more than the limit allows, plus the blank line.
  const std::size_t room =
      limits_.max_header_bytes + 4 - std::min(before, limits_.max_header_bytes + 4);
  const std::size_t take = std::min(size - pos, room);
  head_.append(data + pos, take);
  // The blank line may straddle the previous read: look back three bytes.
  const std::size_t from = before >= 3 ? before - 3 : 0;
  std::size_t end = std::string::npos;
  for (std::size_t lf = head_.find('\n', from); lf != std::string::npos;
       lf = head_.find('\n', lf + 1)) {
    if (lf >= 1 && head_[lf - 1] == '\n') {
      end = lf + 1;
      break;
    }
    if (lf >= 2 && head_[lf - 1] == '\r' && head_[lf - 2] == '\n') {
      end = lf + 1;
      break;
    }
  }
  if (end == std::string::npos) {
    pos += take;
    const std::size_t first_lf = head_.find('\n');
    const std::size_t line = first_lf == std::string::npos ? head_.size() : first_lf;
    // Method and version take at most a few dozen bytes next to the target.
    if (line > limits_.max_request_line + 32) {
      return Fail(ErrorCode::kUriTooLong, "request target exceeds the limit of " +
                                              std::to_string(limits_.max_request_line) + " bytes");
    }
    if (head_.size() > limits_.max_header_bytes) {
      return Fail(ErrorCode::kHeadersTooLarge, "request headers exceed the limit of " +
                                                   std::to_string(limits_.max_header_bytes) +
                                                   " bytes");
    }
    return false;
  }
  pos += end - before;
  head_.resize(end);
  return true;
}

bool RequestParser::ParseHead() {
  std::string_view head = head_;
  const std::size_t first_lf = head.find('\n');
  const std::string_view request_line = WithoutCr(head.substr(0, first_lf));
  head.remove_prefix(first_lf + 1);

  // method SP request-target SP HTTP-version
  const std::size_t sp1 = request_line.find(' ');
  const std::size_t sp2 = request_line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) {
    return Fail(ErrorCode::kInvalidArgument, "malformed HTTP request: bad request line");
  }
  const std::string_view method = request_line.substr(0, sp1);
  const std::string_view target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = request_line.substr(sp2 + 1);
  if (!IsToken(method)) {
    return Fail(ErrorCode::kInvalidArgument, "malformed HTTP request: bad method");
  }
  request_.method.assign(method);
  if (target.size() > limits_.max_request_line) {
    return Fail(ErrorCode::kUriTooLong, "request target exceeds the limit of " +
                                            std::to_string(limits_.max_request_line) + " bytes");
  }
  if (target.empty() ||
      std::ranges::any_of(target, [](unsigned char c) { return c <= 0x20 || c == 0x7f; })) {
    return Fail(ErrorCode::kInvalidArgument, "malformed HTTP request: bad request target");
  }
  const bool http11 = version == "HTTP/1.1";
  if (!http11 && version != "HTTP/1.0") {
    return Fail(ErrorCode::kInvalidArgument, "malformed HTTP request: unsupported HTTP version");
  }
  request_.target.assign(target);
  const std::size_t q = target.find('?');
  const std::string_view raw_path = target.substr(0, q);
  if (raw_path.empty() || raw_path.front() != '/') {
    return Fail(ErrorCode::kInvalidArgument, "request target must be an absolute path");
  }
  request_.path.assign(raw_path);  // kept raw: the router splits before decoding
  if (q != std::string_view::npos) request_.query.assign(target.substr(q + 1));

  request_.headers.reserve(8);
  std::optional<std::size_t> content_length;
  bool chunked = false;
  bool saw_transfer_encoding = false;
  while (!head.empty()) {
    const std::size_t lf = head.find('\n');
    const std::string_view line = WithoutCr(head.substr(0, lf));
    head.remove_prefix(lf + 1);
    if (line.empty()) break;  // the blank line
    if (!ParseHeader(line, content_length, chunked, saw_transfer_encoding)) return false;
  }
  if (saw_transfer_encoding && content_length) {
    return Fail(ErrorCode::kInvalidArgument,
                "malformed HTTP request: both Content-Length and Transfer-Encoding");
  }
  if (saw_transfer_encoding && !chunked) {
    return Fail(ErrorCode::kInvalidArgument,
                "malformed HTTP request: the only transfer coding accepted is chunked");
  }

  keep_alive_ = http11;
  if (auto connection = request_.Header("connection")) {
    ForEachListItem(*connection, [&](std::string_view token) {
      if (EqualsIgnoreCase(token, "close")) keep_alive_ = false;
      if (EqualsIgnoreCase(token, "keep-alive") && !http11) keep_alive_ = true;
    });
  }
  if (auto expect = request_.Header("expect");
      expect && EqualsIgnoreCase(*expect, "100-continue")) {
    wants_continue_ = http11;
  }

  // Most requests have no body and never ask for their limit.
  if (chunked) {
    phase_ = Phase::kChunkSize;
  } else if (const std::size_t length = content_length.value_or(0); length > 0) {
    // Content-Length is known before any body byte is read: refuse at once.
    if (length > BodyLimit()) {
      wants_continue_ = false;
      return Fail(ErrorCode::kPayloadTooLarge,
                  "request body exceeds the limit of " + std::to_string(BodyLimit()) + " bytes");
    }
    request_.body.reserve(length);
    remaining_ = length;
    phase_ = Phase::kBody;
  } else {
    phase_ = Phase::kDone;
  }
  return true;
}

bool RequestParser::ParseHeader(std::string_view line, std::optional<std::size_t>& content_length,
                                bool& chunked, bool& saw_transfer_encoding) {
  if (line.front() == ' ' || line.front() == '\t') {
    return Fail(ErrorCode::kInvalidArgument, "malformed HTTP request: folded header line");
  }
  const std::size_t colon = line.find(':');
  const std::string_view name = line.substr(0, colon);
  if (colon == std::string_view::npos || !IsToken(name)) {
    return Fail(ErrorCode::kInvalidArgument, "malformed HTTP request: bad header line");
  }
  const std::string_view value = TrimOws(line.substr(colon + 1));
  if (!IsFieldValue(value)) {
    return Fail(ErrorCode::kInvalidArgument, "malformed HTTP request: control character in header");
  }
  std::string lower(name);
  for (char& c : lower) c = AsciiLower(c);
  if (lower == "content-length") {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size() ||
        (content_length && *content_length != n)) {
      return Fail(ErrorCode::kInvalidArgument, "malformed HTTP request: bad Content-Length");
    }
    content_length = n;
  } else if (lower == "transfer-encoding") {
    saw_transfer_encoding = true;
    // Only "chunked", alone: anything else could be read differently by a proxy in front.
    int codings = 0;
    ForEachListItem(value, [&](std::string_view coding) {
      ++codings;
      chunked = EqualsIgnoreCase(coding, "chunked");
    });
    if (codings != 1) chunked = false;
  }
  request_.headers.emplace_back(std::move(lower), std::string(value));
  return true;
}

bool RequestParser::TakeBody(const char* data, std::size_t size, std::size_t& pos) {
  const std::size_t n = std::min(remaining_, size - pos);
  request_.body.append(data + pos, n);
  pos += n;
  remaining_ -= n;
  return remaining_ == 0;
}

bool RequestParser::TakeLine(const char* data, std::size_t size, std::size_t& pos,
                             std::size_t limit) {
  const char* lf = static_cast<const char*>(std::memchr(data + pos, '\n', size - pos));
  const std::size_t n = lf == nullptr ? size - pos : static_cast<std::size_t>(lf - (data + pos));
  if (line_.size() + n > limit) {
    return Fail(ErrorCode::kInvalidArgument, "malformed HTTP request: line too long");
  }
  line_.append(data + pos, n);
  pos += n;
  if (lf == nullptr) return false;
  ++pos;  // the LF
  return true;
}

}  // namespace ordo::http
