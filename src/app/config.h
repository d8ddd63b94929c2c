#pragma once
// `ordo serve` settings (API.md section 7). Each comes, in order of precedence, from a flag,
// an environment variable, the TOML file named by --config / ORDO_CONFIG, or its default; the
// defaults run a working server with no configuration at all.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace ordo::app {

struct Config {
  std::string listen = "127.0.0.1:8080";  // --listen, ORDO_LISTEN, listen
  std::string data_dir = "./ordo-data";   // --data, ORDO_DATA, data
  std::string db;                         // --db, ORDO_DB, db; "" = sqlite in data_dir
  std::optional<std::string> tls_cert;    // --tls-cert, ORDO_TLS_CERT, tls_cert
  std::optional<std::string> tls_key;     // --tls-key, ORDO_TLS_KEY, tls_key
  std::string log_level = "info";         // --log-level, ORDO_LOG_LEVEL, log_level
  std::size_t io_threads = 0;             // --io-threads, ORDO_IO_THREADS; 0 = cores
  std::size_t hash_threads = 0;           // --hash-threads; 0 = usable cores (affinity mask)
  std::size_t hash_queue = 64;            // --hash-queue: waiting hashes before 503
  std::string hash_priority = "idle";     // --hash-priority: idle | batch | nice | normal
  std::size_t credential_cache_entries = 10'000;  // --credential-cache-entries; 0 = no cache
  int refusal_delay_ms = 1000;     // --refusal-delay-ms: 429 held back this long (0 = at once)
  std::size_t db_pool = 8;         // --db-pool
  std::size_t max_body = 1 << 20;  // --max-body: bytes (BPMN uploads: 10 MiB)
  std::size_t max_connections = 10'000;      // --max-connections
  std::vector<std::string> trusted_proxies;  // --trusted-proxies: comma-separated addresses
  unsigned long long argon2_ops = 2;         // --argon2-t
  std::size_t argon2_mem_kib = std::size_t{19} * 1024;  // --argon2-m (KiB)
  int jwt_lifetime_seconds = 900;                       // --jwt-lifetime (max 86400)
  std::string jwt_algorithm = "HS256";                  // --jwt-alg: HS256 | EdDSA
  int basic_key_failures = 5;                           // --basic-key-failures (per 15 min)
  int basic_address_failures = 100;                     // --basic-address-failures (per 15 min)
  std::string public_url;  // --public-url: issuer/audience base; "" = listen URL

  // Split of `listen`.
  std::string host;
  uint16_t port = 8080;

  std::string DatabaseUrl() const;
  bool tls() const { return tls_cert.has_value(); }
  std::string BaseUrl() const;  // "http://127.0.0.1:8080"
};

// Parses `args` (without "ordo serve") plus the environment and the config file. Errors are one
// line naming the cause (kInvalidArgument); `--help` gives kFailedPrecondition with the usage
// text as detail.
[[nodiscard]] Result<Config> LoadConfig(const std::vector<std::string>& args);

}  // namespace ordo::app
