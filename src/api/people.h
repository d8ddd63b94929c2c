#pragma once
// /api/v1/users, /api/v1/groups (admin) and /api/v1/me (any caller): API.md section 5.

#include "api/route.h"
#include "auth/password_hash.h"
#include "core/worker_pool.h"
#include "store/user_repository.h"

namespace ordo::api {

struct PeopleDeps {
  store::UserRepository& users;
  // Password hashing and the write that follows run here, never on an I/O thread; at normal
  // priority (not the Basic checks' idle-priority pool: the write holds the database's lock).
  WorkerPool& slow_pool;
  auth::HashParams hash_params;
};

void AddPeopleRoutes(RouteTable& table, PeopleDeps deps);

// Username rule shared with the bootstrap: 1–64 of [A-Za-z0-9._@-].
bool IsValidUsername(std::string_view username);

}  // namespace ordo::api
