#include "store/libpq.h"

#include "core/shared_library.h"

// The build passes the SONAMEs of the libraries it compiled against (cmake/OrdoDeps.cmake).
#ifndef ORDO_LIBPQ_SONAME
#define ORDO_LIBPQ_SONAME "libpq.so.5"
#endif
#ifndef ORDO_SOCI_POSTGRESQL_SONAME
#define ORDO_SOCI_POSTGRESQL_SONAME "libsoci_postgresql.so.4.0"
#endif

namespace ordo::store {
namespace {

Result<LibPq> Load() {
  LibPq pq;
  // SOCI's back end first: it needs libpq.so.5 itself, so libpq is then already mapped and the
  // second open only returns its handle.
  auto soci = SharedLibrary::Open(ORDO_SOCI_POSTGRESQL_SONAME);
  if (!soci) return Fail(soci.error());
  const soci::backend_factory* (*factory)() = nullptr;
  if (Status st = soci->Bind(factory, "factory_postgresql"); !st) return Fail(st.error());
  pq.soci_factory = factory();

  auto lib = SharedLibrary::Open(ORDO_LIBPQ_SONAME);
  if (!lib) return Fail(lib.error());
  for (Status st :
       {lib->Bind(pq.conninfo_parse, "PQconninfoParse"),
        lib->Bind(pq.conninfo_free, "PQconninfoFree"),
        lib->Bind(pq.connectdb_params, "PQconnectdbParams"), lib->Bind(pq.finish, "PQfinish"),
        lib->Bind(pq.status, "PQstatus"), lib->Bind(pq.error_message, "PQerrorMessage"),
        lib->Bind(pq.exec, "PQexec"), lib->Bind(pq.exec_params, "PQexecParams"),
        lib->Bind(pq.result_status, "PQresultStatus"), lib->Bind(pq.clear, "PQclear"),
        lib->Bind(pq.socket, "PQsocket"), lib->Bind(pq.consume_input, "PQconsumeInput"),
        lib->Bind(pq.notifies, "PQnotifies"), lib->Bind(pq.freemem, "PQfreemem")}) {
    if (!st) return Fail(st.error());
  }
  return pq;
}

}  // namespace

Result<const LibPq*> LibPq::Get() {
  // A function-local static: loaded once, thread-safe, and never for a SQLite-only run.
  static const Result<LibPq> loaded = Load();
  if (!loaded) return Fail(loaded.error());
  return &*loaded;
}

}  // namespace ordo::store
