#pragma once
// libpq and SOCI's PostgreSQL back end, loaded when the first PostgreSQL URL is opened
// (dlopen) rather than linked: a server on SQLite then never maps libpq and its tail
// (Kerberos, LDAP, SASL, gnutls ...; ~1.5 MiB resident). See core/shared_library.h.
// Thread-safe: loaded once, immutable afterwards.

#include <libpq-fe.h>
#include <soci/soci-backend.h>

#include "core/error.h"

namespace ordo::store {

struct LibPq {
  // SOCI's back end (libsoci_postgresql, which links libpq itself), for soci::session::open.
  const soci::backend_factory* soci_factory = nullptr;

  // The libpq functions Ordo calls directly: URL parsing and the LISTEN/NOTIFY connection.
  decltype(&::PQconninfoParse) conninfo_parse = nullptr;
  decltype(&::PQconninfoFree) conninfo_free = nullptr;
  decltype(&::PQconnectdbParams) connectdb_params = nullptr;
  decltype(&::PQfinish) finish = nullptr;
  decltype(&::PQstatus) status = nullptr;
  decltype(&::PQerrorMessage) error_message = nullptr;
  decltype(&::PQexec) exec = nullptr;
  decltype(&::PQexecParams) exec_params = nullptr;
  decltype(&::PQresultStatus) result_status = nullptr;
  decltype(&::PQclear) clear = nullptr;
  decltype(&::PQsocket) socket = nullptr;
  decltype(&::PQconsumeInput) consume_input = nullptr;
  decltype(&::PQnotifies) notifies = nullptr;
  decltype(&::PQfreemem) freemem = nullptr;

  // Loads both on the first call; the same answer afterwards. An error (kUnavailable) when
  // libpq5 or libsoci-postgresql4.0 is not installed.
  [[nodiscard]] static Result<const LibPq*> Get();
};

}  // namespace ordo::store
