#pragma once
// libcurl's functions, loaded on first use (dlopen) rather than linked: only the client
// subcommands need HTTP client code, and linking libcurl would map it and its ~20 dependencies
// (gnutls, nghttp2, ssh2, ...) into every `ordo serve` as well. See core/shared_library.h.
// Thread-safe: loaded once, immutable afterwards.

#include <curl/curl.h>

#include "core/error.h"

namespace ordo::client {

struct LibCurl {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_reset) easy_reset = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;

  // libcurl.so.4, loaded and initialised (curl_global_init) on the first call; the same answer
  // afterwards. An error when it is not installed.
  [[nodiscard]] static Result<const LibCurl*> Get();
};

}  // namespace ordo::client
