#include "api/metrics.h"

#include <fmt/format.h>

namespace ordo::api {
namespace {

// Label values are route templates and fixed words, but escape anyway: a metric line must
// never break the format.
std::string Escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

void Metrics::ObserveRequest(std::string_view method, std::string_view route, int status,
                             double seconds) {
  std::lock_guard lock(mu_);
  auto count = requests_.find(std::tuple(method, route, status));
  if (count == requests_.end()) {
    count = requests_.emplace(StatusKey(method, route, status), 0).first;
  }
  ++count->second;
  auto h = latency_.find(std::tuple(method, route));
  if (h == latency_.end()) h = latency_.emplace(RouteKey(method, route), Histogram{}).first;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h->second.counts[i];
  }
  ++h->second.total;
  h->second.sum += seconds;
}

void Metrics::DescribeCounter(const std::string& name, const std::string& help) {
  std::lock_guard lock(mu_);
  counter_help_[name] = help;
  counters_[name];
}

void Metrics::Increment(std::string_view name, std::string_view labels, double by) {
  std::lock_guard lock(mu_);
  auto family = counters_.find(name);
  if (family == counters_.end()) family = counters_.emplace(std::string(name), Series{}).first;
  auto series = family->second.find(labels);
  if (series == family->second.end()) {
    series = family->second.emplace(std::string(labels), 0.0).first;
  }
  series->second += by;
}

void Metrics::AddGauge(const std::string& name, const std::string& help,
                       std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_[name] = Gauge{help, std::move(read)};
}

std::string Metrics::Render() const {
  std::string out;
  std::lock_guard lock(mu_);
  auto labels_of = [](std::string_view method, std::string_view route) {
    return fmt::format("method=\"{}\",route=\"{}\"", Escape(method),
                       route.empty() ? "unmatched" : Escape(route));
  };
  out += "# HELP ordo_http_requests_total HTTP requests by method, route template and status.\n";
  out += "# TYPE ordo_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += fmt::format("ordo_http_requests_total{{{},status=\"{}\"}} {}\n",
                       labels_of(method, route), status, n);
  }
  out += "# HELP ordo_http_request_duration_seconds Time from first byte to response written.\n";
  out += "# TYPE ordo_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : latency_) {
    const std::string labels = labels_of(std::get<0>(key), std::get<1>(key));
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format("ordo_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels,
                         kBuckets[i], h.counts[i]);
    }
    out += fmt::format("ordo_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels,
                       h.total);
    out += fmt::format("ordo_http_request_duration_seconds_sum{{{}}} {}\n", labels, h.sum);
    out += fmt::format("ordo_http_request_duration_seconds_count{{{}}} {}\n", labels, h.total);
  }
  for (const auto& [name, series] : counters_) {
    if (auto help = counter_help_.find(name); help != counter_help_.end()) {
      out += fmt::format("# HELP {} {}\n", name, help->second);
    }
    out += fmt::format("# TYPE {} counter\n", name);
    for (const auto& [labels, value] : series) {
      out += labels.empty() ? fmt::format("{} {}\n", name, value)
                            : fmt::format("{}{{{}}} {}\n", name, labels, value);
    }
  }
  for (const auto& [name, gauge] : gauges_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", name, gauge.help, name, name,
                       gauge.read());
  }
  return out;
}

}  // namespace ordo::api
