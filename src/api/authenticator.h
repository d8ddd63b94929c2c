#pragma once
// Resolves who is calling. The api layer calls it for every route whose scope is set, before
// the handler; the implementation (src/auth + src/api/auth_middleware.cc) composes the session
// cookie (with CSRF on unsafe methods), HTTP Basic and Bearer JWT.

#include <functional>

#include "core/error.h"
#include "core/principal.h"
#include "http/message.h"

namespace ordo::api {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Calls `done` exactly once, on any thread, with the caller or an Error:
  // kUnauthenticated (problem "invalid-credentials", "invalid-token", "csrf-token-missing"...),
  // kResourceExhausted with retry_after_seconds (throttled, 429),
  // kUnavailable with retry_after_seconds (hash pool full, 503).
  virtual void Authenticate(const http::RequestPtr& request,
                            std::function<void(Result<Principal>)> done) = 0;
};

}  // namespace ordo::api
