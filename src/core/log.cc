#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>

namespace ordo::log {

void Init(const std::string& level) {
  // stderr, not colored: logs go to files and journald more often than to a terminal.
  auto logger = spdlog::stderr_logger_mt("ordo");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace ordo::log
