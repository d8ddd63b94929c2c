#include "ordo/client/client.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "client/libcurl.h"

namespace ordo::client {
namespace {

std::size_t Collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

void Wipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

}  // namespace

bool TokenNeedsRenewal(TimePoint now, TimePoint expires_at, std::chrono::seconds renew_before) {
  return now + renew_before >= expires_at;
}

Client::Client(ClientOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/')
    options_.base_url.pop_back();
  if (auto lib = LibCurl::Get()) {
    curl_lib_ = *lib;
    curl_ = curl_lib_->easy_init();
  } else {
    curl_error_ = lib.error().detail;
  }
}

Client::~Client() {
  Wipe(options_.secret_key);
  Wipe(token_);
  if (curl_ != nullptr) curl_lib_->easy_cleanup(static_cast<CURL*>(curl_));
}

Result<HttpResult> Client::Perform(const std::string& method, const std::string& path,
                                   const std::string& body, const std::string& content_type,
                                   bool basic) {
  CURL* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) {
    return Fail(ErrorCode::kInternal,
                curl_error_.empty() ? "libcurl could not be initialised" : curl_error_);
  }
  const LibCurl& lib = *curl_lib_;
  lib.easy_reset(curl);
  const std::string url = options_.base_url + path;
  HttpResult result;
  curl_slist* headers = nullptr;
  std::string authorization;
  if (basic) {
    lib.easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    lib.easy_setopt(curl, CURLOPT_USERNAME, options_.access_key.c_str());
    lib.easy_setopt(curl, CURLOPT_PASSWORD, options_.secret_key.c_str());
  } else {
    authorization = "Authorization: Bearer " + token_;
    headers = lib.slist_append(headers, authorization.c_str());
  }
  headers = lib.slist_append(headers, "Accept: application/json");
  // Scripts must never meet the browser-style Basic challenge loop.
  headers = lib.slist_append(headers, "X-Requested-With: XMLHttpRequest");
  std::string type_header = "Content-Type: " + content_type;
  if (!body.empty()) headers = lib.slist_append(headers, type_header.c_str());
  lib.easy_setopt(curl, CURLOPT_URL, url.c_str());
  lib.easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") lib.easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    lib.easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    lib.easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  lib.easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  lib.easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Collect);
  lib.easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  lib.easy_setopt(curl, CURLOPT_TIMEOUT, options_.timeout_seconds);
  lib.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  lib.easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  lib.easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  const CURLcode rc = lib.easy_perform(curl);
  lib.slist_free_all(headers);
  Wipe(authorization);
  if (rc != CURLE_OK) {
    return Fail(ErrorCode::kUnavailable,
                "cannot reach " + options_.base_url + ": " + lib.easy_strerror(rc));
  }
  long status = 0;
  lib.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  result.status = static_cast<int>(status);
  char* type = nullptr;
  lib.easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
  if (type != nullptr) result.content_type = type;
  return result;
}

Status Client::FetchToken() {
  if (options_.access_key.empty() || options_.secret_key.empty()) {
    return Fail(ErrorCode::kUnauthenticated,
                "no credentials: set ORDO_ACCESS_KEY and ORDO_SECRET_KEY");
  }
  auto r = Perform("POST", "/api/auth/jwt", "{}", "application/json", /*basic=*/true);
  if (!r) return Fail(r.error());
  const auto body = nlohmann::json::parse(r->body, nullptr, false);
  if (!r->ok()) {
    const std::string detail = body.is_object() && body.contains("detail")
                                   ? body["detail"].get<std::string>()
                                   : "HTTP " + std::to_string(r->status);
    return Fail(r->status == 401 ? ErrorCode::kUnauthenticated : ErrorCode::kUnavailable,
                "cannot get a token: " + detail);
  }
  if (!body.is_object() || !body.contains("token") || !body.contains("expiresIn")) {
    return Fail(ErrorCode::kInternal, "the server's token answer is not understood");
  }
  Wipe(token_);
  token_ = body["token"].get<std::string>();
  token_expires_at_ = clock_.Now() + std::chrono::seconds(body["expiresIn"].get<long long>());
  ++tokens_fetched_;
  return {};
}

Result<HttpResult> Client::Send(const std::string& method, const std::string& path,
                                const std::string& body, const std::string& content_type) {
  if (token_.empty() || TokenNeedsRenewal(clock_.Now(), token_expires_at_, options_.renew_before)) {
    if (Status st = FetchToken(); !st) return Fail(st.error());
  }
  auto r = Perform(method, path, body, content_type, /*basic=*/false);
  if (r && r->status == 401) {
    // The token may have been revoked by a regeneration or a key rotation: one fresh try.
    if (Status st = FetchToken(); !st) return Fail(st.error());
    r = Perform(method, path, body, content_type, /*basic=*/false);
  }
  return r;
}

}  // namespace ordo::client
