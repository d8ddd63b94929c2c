#include "app/config.h"

#include <arpa/inet.h>
#include <toml++/toml.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <map>
#include <sstream>

namespace ordo::app {
namespace {

struct Setting {
  const char* flag;  // "--listen"
  const char* env;   // "ORDO_LISTEN"
  const char* key;   // TOML key "listen"
  const char* help;
  std::function<Status(const std::string&)> set;
};

std::unexpected<Error> Bad(const std::string& what) {
  return Fail(ErrorCode::kInvalidArgument, what);
}

template <typename T>
std::function<Status(const std::string&)> Number(T* out, const char* name, T min, T max) {
  return [out, name, min, max](const std::string& v) -> Status {
    T parsed{};
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), parsed);
    if (ec != std::errc() || ptr != v.data() + v.size() || parsed < min || parsed > max) {
      return Bad(std::string(name) + " must be a whole number from " + std::to_string(min) +
                 " to " + std::to_string(max) + ", got '" + v + "'");
    }
    *out = parsed;
    return {};
  };
}

std::function<Status(const std::string&)> Text(std::string* out) {
  return [out](const std::string& v) -> Status {
    *out = v;
    return {};
  };
}

std::function<Status(const std::string&)> AddressList(std::vector<std::string>* out) {
  return [out](const std::string& v) -> Status {
    out->clear();
    std::stringstream in(v);
    std::string item;
    while (std::getline(in, item, ',')) {
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      if (item.empty()) continue;
      in6_addr buf{};
      if (inet_pton(AF_INET, item.c_str(), &buf) != 1 &&
          inet_pton(AF_INET6, item.c_str(), &buf) != 1) {
        return Bad("--trusted-proxies takes IP addresses, got '" + item + "'");
      }
      out->push_back(item);
    }
    return {};
  };
}

std::function<Status(const std::string&)> OptionalText(std::optional<std::string>* out) {
  return [out](const std::string& v) -> Status {
    *out = v;
    return {};
  };
}

Status SplitListen(Config& c) {
  const std::size_t colon = c.listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Bad("--listen must be HOST:PORT, got '" + c.listen + "'");
  }
  std::string host = c.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = c.listen.substr(colon + 1);
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
    return Bad("--listen port must be 0 to 65535, got '" + port + "'");
  }
  c.host = host;
  c.port = static_cast<uint16_t>(value);
  return {};
}

// A TOML value as the same text a flag would carry.
std::optional<std::string> TomlText(const toml::node& node) {
  if (auto s = node.value<std::string>()) return *s;
  if (auto i = node.value<int64_t>()) return std::to_string(*i);
  if (auto b = node.value<bool>()) return *b ? "true" : "false";
  return std::nullopt;
}

}  // namespace

std::string Config::DatabaseUrl() const {
  return db.empty() ? "sqlite:" + data_dir + "/ordo.db" : db;
}

std::string Config::BaseUrl() const {
  const bool v6 = host.find(':') != std::string::npos;
  return std::string(tls() ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

Result<Config> LoadConfig(const std::vector<std::string>& args) {
  Config c;
  std::vector<Setting> settings = {
      {"--listen", "ORDO_LISTEN", "listen", "HOST:PORT to serve on (default 127.0.0.1:8080)",
       Text(&c.listen)},
      {"--data", "ORDO_DATA", "data", "data folder (default ./ordo-data)", Text(&c.data_dir)},
      {"--db", "ORDO_DB", "db", "sqlite:PATH or postgresql://... (default: SQLite in --data)",
       Text(&c.db)},
      {"--tls-cert", "ORDO_TLS_CERT", "tls_cert", "PEM certificate chain for HTTPS",
       OptionalText(&c.tls_cert)},
      {"--tls-key", "ORDO_TLS_KEY", "tls_key", "PEM private key for HTTPS",
       OptionalText(&c.tls_key)},
      {"--log-level", "ORDO_LOG_LEVEL", "log_level", "debug | info | warn | error",
       Text(&c.log_level)},
      {"--io-threads", "ORDO_IO_THREADS", "io_threads", "I/O threads (0 = cores)",
       Number<std::size_t>(&c.io_threads, "--io-threads", 0, 256)},
      {"--hash-threads", "ORDO_HASH_THREADS", "hash_threads", "password-hash threads (0 = cores)",
       Number<std::size_t>(&c.hash_threads, "--hash-threads", 0, 256)},
      {"--hash-queue", "ORDO_HASH_QUEUE", "hash_queue", "hashes waiting before 503",
       Number<std::size_t>(&c.hash_queue, "--hash-queue", 1, 100000)},
      {"--hash-priority", "ORDO_HASH_PRIORITY", "hash_priority",
       "scheduling of hash threads: idle (default) | batch | nice | normal",
       Text(&c.hash_priority)},
      {"--credential-cache-entries", "ORDO_CREDENTIAL_CACHE_ENTRIES", "credential_cache_entries",
       "successful Basic checks remembered (default 10000; 0 = every check pays the hash)",
       Number<std::size_t>(&c.credential_cache_entries, "--credential-cache-entries", 0,
                           10'000'000)},
      {"--refusal-delay-ms", "ORDO_REFUSAL_DELAY_MS", "refusal_delay_ms",
       "hold back throttled (429) answers this long, at most until Retry-After (default 1000)",
       Number<int>(&c.refusal_delay_ms, "--refusal-delay-ms", 0, 60'000)},
      {"--db-pool", "ORDO_DB_POOL", "db_pool", "database connections",
       Number<std::size_t>(&c.db_pool, "--db-pool", 1, 256)},
      {"--max-body", "ORDO_MAX_BODY", "max_body", "request body limit in bytes",
       Number<std::size_t>(&c.max_body, "--max-body", 1024, std::size_t{1} << 30)},
      {"--trusted-proxies", "ORDO_TRUSTED_PROXIES", "trusted_proxies",
       "comma-separated proxy addresses whose X-Forwarded-For is believed",
       AddressList(&c.trusted_proxies)},
      {"--max-connections", "ORDO_MAX_CONNECTIONS", "max_connections", "open connection cap",
       Number<std::size_t>(&c.max_connections, "--max-connections", 1, 1'000'000)},
      {"--argon2-t", "ORDO_ARGON2_T", "argon2_t", "argon2id passes (default 2)",
       Number<unsigned long long>(&c.argon2_ops, "--argon2-t", 1, 100)},
      {"--argon2-m", "ORDO_ARGON2_M", "argon2_m", "argon2id memory in KiB (default 19456)",
       Number<std::size_t>(&c.argon2_mem_kib, "--argon2-m", 8, std::size_t{4} * 1024 * 1024)},
      {"--jwt-lifetime", "ORDO_JWT_LIFETIME", "jwt_lifetime", "token lifetime in seconds",
       Number<int>(&c.jwt_lifetime_seconds, "--jwt-lifetime", 30, 86400)},
      {"--jwt-alg", "ORDO_JWT_ALG", "jwt_alg", "HS256 (default) or EdDSA", Text(&c.jwt_algorithm)},
      {"--basic-key-failures", "ORDO_BASIC_KEY_FAILURES", "basic_key_failures",
       "failures per access key in 15 min before 429",
       Number<int>(&c.basic_key_failures, "--basic-key-failures", 1, 1'000'000)},
      {"--basic-address-failures", "ORDO_BASIC_ADDRESS_FAILURES", "basic_address_failures",
       "failures per client address in 15 min before 429",
       Number<int>(&c.basic_address_failures, "--basic-address-failures", 1, 1'000'000)},
      {"--public-url", "ORDO_PUBLIC_URL", "public_url", "external base URL (token issuer)",
       Text(&c.public_url)},
  };

  CLI::App cli("ordo serve: run the Ordo server", "ordo serve");
  cli.set_help_flag("-h,--help", "show this help");
  std::map<std::string, std::string> given;
  for (const Setting& s : settings) cli.add_option(s.flag, given[s.flag], s.help);
  std::string config_file;
  cli.add_option("--config", config_file, "TOML file with the same settings (ORDO_CONFIG)");
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    cli.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return Fail(ErrorCode::kFailedPrecondition, cli.help());
  } catch (const CLI::ParseError& e) {
    return Bad(e.what());
  }
  if (config_file.empty()) {
    if (const char* env = std::getenv("ORDO_CONFIG"); env != nullptr) config_file = env;
  }
  toml::table file;
  if (!config_file.empty()) {
    try {
      file = toml::parse_file(config_file);
    } catch (const toml::parse_error& e) {
      const auto& where = e.source().begin;
      return Bad("cannot read config file " + config_file + ": " + std::string(e.description()) +
                 (where ? " (line " + std::to_string(where.line) + ")" : ""));
    }
    for (const auto& [key, value] : file) {
      bool known = false;
      for (const Setting& s : settings) known = known || key.str() == s.key;
      if (!known) {
        return Bad("config file " + config_file + ": unknown setting '" + std::string(key.str()) +
                   "'");
      }
    }
  }
  for (const Setting& s : settings) {
    std::optional<std::string> value;
    if (cli.count(s.flag) > 0) {
      value = given[s.flag];
    } else if (const char* env = std::getenv(s.env); env != nullptr && *env != '\0') {
      value = env;
    } else if (const toml::node* node = file.get(s.key)) {
      value = TomlText(*node);
      if (!value) return Bad("config file " + config_file + ": '" + s.key + "' has a bad type");
    }
    if (value) {
      if (Status st = s.set(*value); !st) return Fail(st.error());
    }
  }
  if (Status st = SplitListen(c); !st) return Fail(st.error());
  if (c.tls_cert.has_value() != c.tls_key.has_value()) {
    return Bad("--tls-cert and --tls-key must be given together");
  }
  if (c.jwt_algorithm != "HS256" && c.jwt_algorithm != "EdDSA") {
    return Bad("--jwt-alg must be HS256 or EdDSA, got '" + c.jwt_algorithm + "'");
  }
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
      c.log_level != "error") {
    return Bad("--log-level must be debug, info, warn or error");
  }
  if (c.data_dir.empty()) return Bad("--data must not be empty");
  if (c.hash_priority != "idle" && c.hash_priority != "batch" && c.hash_priority != "nice" &&
      c.hash_priority != "normal") {
    return Bad("--hash-priority must be idle, batch, nice or normal, got '" + c.hash_priority +
               "'");
  }
  return c;
}

}  // namespace ordo::app
