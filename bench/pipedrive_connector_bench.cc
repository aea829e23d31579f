// Pipedrive connector writes per second at each plan's burst limit (API
// token: Lite 20, Growth 40, Premium 100, Ultimate 120 requests per rolling
// 2 s), against the in-process sandbox enforcing the same limit. Pipedrive
// has no batch writes, so records/s is bounded by limit / 2; the table shows
// how close the connector's pacing gets and that it needs no 429. Each row
// runs kSeconds. Prints a table; never asserts on time.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "connectors/registry.h"
#include "core/json.h"
#include "net/http_client.h"
#include "sandbox/pipedrive/pipedrive_sandbox.h"

namespace {

using namespace crmsync;
using sandbox::pipedrive::PipedriveSandbox;
using sandbox::pipedrive::PipedriveSandboxOptions;

constexpr double kSeconds = 8.0;

struct Plan {
  const char* name;
  int64_t burst;
};

int count_429(const PipedriveSandbox& sandbox) {
  net::HttpClient http;
  net::HttpClientRequest req;
  req.url = sandbox.base_url() + "/__admin/requests?limit=100000";
  auto res = http.send(req);
  if (!res) return -1;
  auto log = parse_json(res->body);
  if (!log || !log->find("requests")) return -1;
  int n = 0;
  for (const Value& r : log->find("requests")->as_array())
    if (r.find("status")->as_int() == 429) ++n;
  return n;
}

}  // namespace

int main() {
  const Plan plans[] = {{"Lite", 20}, {"Growth", 40}, {"Premium", 100}, {"Ultimate", 120}};
  std::printf("%-9s %6s %8s %8s %10s %10s %5s\n", "plan", "burst", "records", "seconds",
              "records/s", "ceiling/s", "429s");
  for (const Plan& plan : plans) {
    PipedriveSandboxOptions o;
    o.burst_limit = plan.burst;
    o.search_burst_limit = 0;
    o.daily_budget = 0;
    PipedriveSandbox sandbox(o);
    if (auto s = sandbox.start(); !s) {
      std::fprintf(stderr, "bench: %s\n", s.error().to_string().c_str());
      return 1;
    }
    ConnectionConfig c;
    c.name = "pd";
    c.type = "pipedrive";
    c.options.values = Value(Object{{"api_token", Value("demo-token")},
                                    {"base_url", Value(sandbox.base_url())},
                                    {"burst_limit", Value(plan.burst)}});
    auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{"."});
    if (!conn) {
      std::fprintf(stderr, "bench: %s\n", conn.error().message.c_str());
      return 1;
    }
    auto names = make_field_names({"name"});
    long records = 0;
    auto start = std::chrono::steady_clock::now();
    double elapsed = 0;
    while (elapsed < kSeconds) {
      std::vector<WriteItem> items;
      for (int i = 0; i < 10; ++i) {
        Record r(names);
        r.value(0) = "Bench " + std::to_string(records + i);
        items.push_back({WriteOp::create, "", r});
      }
      auto res = (*conn)->write(WriteRequest{"person", "id", "", items});
      if (!res) {
        std::fprintf(stderr, "bench: %s\n", res.error().message.c_str());
        return 1;
      }
      for (const WriteResult& w : *res) records += w.ok ? 1 : 0;
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    std::printf("%-9s %6lld %8ld %8.1f %10.1f %10.1f %5d\n", plan.name,
                static_cast<long long>(plan.burst), records, elapsed, records / elapsed,
                plan.burst / 2.0, count_429(sandbox));
  }
  return 0;
}
