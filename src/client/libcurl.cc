#include "client/libcurl.h"

#include "core/shared_library.h"

// The build passes the SONAME of the libcurl it compiled against (cmake/OrdoDeps.cmake).
#ifndef ORDO_LIBCURL_SONAME
#define ORDO_LIBCURL_SONAME "libcurl.so.4"
#endif

namespace ordo::client {
namespace {

Result<LibCurl> Load() {
  auto lib = SharedLibrary::Open(ORDO_LIBCURL_SONAME);
  if (!lib) return Fail(lib.error());
  LibCurl curl;
  for (Status st : {lib->Bind(curl.global_init, "curl_global_init"),
                    lib->Bind(curl.easy_init, "curl_easy_init"),
                    lib->Bind(curl.easy_cleanup, "curl_easy_cleanup"),
                    lib->Bind(curl.easy_reset, "curl_easy_reset"),
                    lib->Bind(curl.easy_setopt, "curl_easy_setopt"),
                    lib->Bind(curl.easy_perform, "curl_easy_perform"),
                    lib->Bind(curl.easy_getinfo, "curl_easy_getinfo"),
                    lib->Bind(curl.easy_strerror, "curl_easy_strerror"),
                    lib->Bind(curl.slist_append, "curl_slist_append"),
                    lib->Bind(curl.slist_free_all, "curl_slist_free_all")}) {
    if (!st) return Fail(st.error());
  }
  if (const CURLcode rc = curl.global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    return Fail(ErrorCode::kInternal,
                std::string("libcurl could not be initialised: ") + curl.easy_strerror(rc));
  }
  return curl;
}

}  // namespace

Result<const LibCurl*> LibCurl::Get() {
  // A function-local static: loaded once, thread-safe, and never for a run that needs no HTTP.
  static const Result<LibCurl> loaded = Load();
  if (!loaded) return Fail(loaded.error());
  return &*loaded;
}

}  // namespace ordo::client
