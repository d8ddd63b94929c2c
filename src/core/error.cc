#include "core/error.h"

namespace ordo {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kAlreadyExists:
      return "already_exists";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kUnprocessable:
      return "unprocessable";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kResourceExhausted:
      return "resource_exhausted";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kMethodNotAllowed:
      return "method_not_allowed";
    case ErrorCode::kPayloadTooLarge:
      return "payload_too_large";
    case ErrorCode::kUnsupportedMediaType:
      return "unsupported_media_type";
    case ErrorCode::kHeadersTooLarge:
      return "headers_too_large";
    case ErrorCode::kUriTooLong:
      return "uri_too_long";
    case ErrorCode::kRequestTimeout:
      return "request_timeout";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace ordo
