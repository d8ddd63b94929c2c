#pragma once
// SharedLibrary: a system library opened at run time (dlopen) instead of linked, for code that
// only some runs need. Each linked library costs every process its mapped pages and relocations,
// even when never called: libcurl (client subcommands only) and libpq (PostgreSQL only) bring
// about 25 more libraries (gnutls, p11-kit, Kerberos, LDAP ...) and ~4 MiB of resident memory
// to a server that runs on SQLite. See docs/architecture.md, "Memory".
//
// Types come from the library's own header, so every bound function keeps its exact signature:
//   decltype(&PQexec) exec = nullptr;  lib.Bind(exec, "PQexec");
// A library is opened once and never closed (the bound pointers live as long as the process).
// Header-only so that the modules using it need no extra link line (dlopen is in glibc 2.34+).
// Thread-safe: immutable after Open.

#include <dlfcn.h>

#include <string>

#include "core/error.h"

namespace ordo {

class SharedLibrary {
 public:
  // Opens `soname` ("libpq.so.5") through the normal search path. RTLD_LOCAL: its symbols stay
  // out of the global namespace, so nothing else binds to them by accident.
  [[nodiscard]] static Result<SharedLibrary> Open(const std::string& soname) {
    void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      return Fail(ErrorCode::kUnavailable,
                  "cannot load " + soname + ": " + (why != nullptr ? why : "unknown reason"));
    }
    return SharedLibrary(soname, handle);
  }

  // Points `fn` at the library's function `symbol`; an error when the library lacks it (a
  // version too old for us).
  template <typename Fn>
  [[nodiscard]] Status Bind(Fn*& fn, const char* symbol) const {
    fn = reinterpret_cast<Fn*>(dlsym(handle_, symbol));
    if (fn == nullptr) {
      return Fail(ErrorCode::kUnavailable, soname_ + " has no function " + symbol);
    }
    return {};
  }

  const std::string& soname() const { return soname_; }

 private:
  SharedLibrary(std::string soname, void* handle) : soname_(std::move(soname)), handle_(handle) {}

  std::string soname_;
  void* handle_;  // never dlclose()d: see above
};

}  // namespace ordo
