#pragma once
// Parsing of an `Authorization: Basic ...` value (RFC 7617) into an access key and a secret:
// value-or-error with a precise reason, no allocation of the secret outside SecretString (or
// DecodedBasic's own wiped buffer). Free functions, thread-safe.

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

// The same parse without copies: the decoded "user:secret" stays in a buffer of this object
// (inline for the usual sizes, so no allocation on the path of every cached Basic request),
// user() and secret() view into it, and it is wiped when the object goes. Neither copyable nor
// movable, so that no un-wiped copy of the secret can be left behind.
class DecodedBasic {
 public:
  DecodedBasic() = default;
  ~DecodedBasic();
  DecodedBasic(const DecodedBasic&) = delete;
  DecodedBasic& operator=(const DecodedBasic&) = delete;

  // Parses `header_value` as ParseBasicAuthorization does; on success user() and secret() are
  // set until the next Parse or the end of this object.
  std::expected<void, BasicParseError> Parse(std::string_view header_value);

  std::string_view user() const { return user_; }
  std::string_view secret() const { return secret_; }

  // Wipes what was decoded now, rather than at the end of the object; user() and secret() are
  // empty afterwards.
  void Clear();

 private:
  // 192 bytes decode 256 base64 characters: an Ordo access key and secret need 86.
  alignas(16) char inline_[192] = {};
  std::string spill_;  // longer credentials (wiped by Clear too)
  std::string_view decoded_, user_, secret_;
};

// "Basic " + base64(user ":" secret), for clients and tests.
std::string FormatBasicAuthorization(std::string_view user, std::string_view secret);

}  // namespace ordo::auth
