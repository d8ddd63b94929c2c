#pragma once
// The one error type of Ordo. Anything that can fail on input, I/O, the database or crypto
// returns Result<T>; only src/api/errors.cc turns an ErrorCode into an HTTP status.
// Error::detail is shown to clients: it must never carry a secret, SQL or a stack trace.

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ordo {

enum class ErrorCode {
  kInvalidArgument,       // malformed input: bad JSON, wrong type, unknown enum value
  kNotFound,              // no such resource or route
  kAlreadyExists,         // a unique name taken
  kFailedPrecondition,    // the resource is in a state that forbids the call
  kConflict,              // a concurrent change won (optimistic concurrency)
  kUnprocessable,         // well-formed but cannot be used (a BPMN file Ordo cannot run)
  kUnauthenticated,       // no or bad credentials
  kPermissionDenied,      // authenticated, lacking the right
  kResourceExhausted,     // throttled: too many attempts
  kUnavailable,           // overloaded or dependency down; retry later
  kMethodNotAllowed,      // route exists, method does not
  kPayloadTooLarge,       // body over the limit
  kUnsupportedMediaType,  // wrong Content-Type
  kHeadersTooLarge,       // request headers over the limit
  kUriTooLong,            // request line over the limit
  kRequestTimeout,        // client too slow to send its request
  kInternal,              // a bug or an unexpected failure; details only in the log
};

// Stable, lowercase name of a code, used in logs and tests.
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string detail;   // human-readable, safe to show to the client
  std::string problem;  // optional stable problem slug ("invalid-credentials"); default per code
  std::optional<int> retry_after_seconds;  // for kResourceExhausted / kUnavailable
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = Result<void>;

// Shorthand for `return Fail(ErrorCode::kNotFound, "no such access");`.
[[nodiscard]] inline std::unexpected<Error> Fail(ErrorCode code, std::string detail,
                                                 std::string problem = {}) {
  return std::unexpected(Error{code, std::move(detail), std::move(problem), std::nullopt});
}

[[nodiscard]] inline std::unexpected<Error> Fail(Error error) {
  return std::unexpected(std::move(error));
}

// Drops the value of a Result, keeping its error (GCC 12's std::expected has no transform()).
template <typename T>
[[nodiscard]] Status ToStatus(const Result<T>& result) {
  if (!result) return std::unexpected(result.error());
  return {};
}

}  // namespace ordo
