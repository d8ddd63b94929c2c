#pragma once
// Parsing of an `Authorization: Basic ...` value (RFC 7617) into an access key and a secret:
// value-or-error with a precise reason, no allocation of the secret outside SecretString.
// Free functions, thread-safe.

#include <expected>
#include <string>
#include <string_view>

#include "auth/secrets.h"

namespace ordo::auth {

struct BasicCredentials {
  std::string user;     // the access key (or a client_id)
  SecretString secret;  // the secret key
};

enum class BasicParseError {
  kNotBasic,     // another scheme
  kBadEncoding,  // not base64, or NUL/control characters inside
  kNoColon,      // no "user:secret" separator
};

// `header_value` is the whole header value, e.g. "Basic b3Jkb19h...". The scheme name is
// case-insensitive; one or more spaces may follow it.
std::expected<BasicCredentials, BasicParseError> ParseBasicAuthorization(
    std::string_view header_value);

// "Basic " + base64(user ":" secret), for clients and tests.
std::string FormatBasicAuthorization(std::string_view user, std::string_view secret);

}  // namespace ordo::auth
