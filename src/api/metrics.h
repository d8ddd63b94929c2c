#pragma once
// Prometheus text-format metrics: requests by method, route template and status, a latency
// histogram, named counters (auth outcomes, cache hits…) and gauges read on scrape (hash pool
// queue). Labels never carry a secret, a token or a user-supplied path (route templates only).
// Thread-safe.

#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace ordo::api {

class Metrics {
 public:
  void ObserveRequest(std::string_view method, std::string_view route, int status, double seconds);
  // Declares a counter family once (HELP text); Increment may be called before or after.
  void DescribeCounter(const std::string& name, const std::string& help);
  // `labels` is the inside of the braces: method="basic",outcome="ok" ("" for none).
  // No allocation once the series exists (it runs on every authenticated request).
  void Increment(std::string_view name, std::string_view labels = "", double by = 1);
  void AddGauge(const std::string& name, const std::string& help, std::function<double()> read);
  std::string Render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  struct Histogram {
    std::array<unsigned long long, kBuckets.size()> counts{};
    unsigned long long total = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string help;
    std::function<double()> read;
  };
  // Keyed by the raw values, formatted only on scrape: a request costs two lookups (no
  // allocation once its series exists), not two label strings.
  using RouteKey = std::tuple<std::string, std::string>;        // method, route
  using StatusKey = std::tuple<std::string, std::string, int>;  // method, route, status
  mutable std::mutex mu_;
  std::map<StatusKey, unsigned long long, std::less<>> requests_;
  std::map<RouteKey, Histogram, std::less<>> latency_;
  std::map<std::string, std::string> counter_help_;
  using Series = std::map<std::string, double, std::less<>>;  // labels → value
  std::map<std::string, Series, std::less<>> counters_;
  std::map<std::string, Gauge> gauges_;
};

}  // namespace ordo::api
