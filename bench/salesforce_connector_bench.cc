// The salesforce connector against the in-process sandbox over loopback:
// records per second and API calls for writes (sObject Collections vs one
// Bulk API 2.0 ingest job) and reads (REST query pages vs a Bulk query
// job), then collection writes with 50 ms of latency injected per request,
// one chunk at a time vs max_parallel_requests at once. Prints a table,
// asserts nothing. Usage: bench_salesforce_connector [N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "connectors/registry.h"
#include "sandbox/salesforce/salesforce_sandbox.h"

namespace {

using namespace crmsync;
using Clock = std::chrono::steady_clock;

double secs_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::unique_ptr<Connection> connect(const std::string& url, int64_t bulk, int64_t bulk_query,
                                    int64_t parallel = 4) {
  ConnectionConfig c;
  c.name = "sf";
  c.type = "salesforce";
  c.options.values = Value(Object{{"login_url", Value(url)},
                                  {"username", Value("demo@example.com")},
                                  {"password", Value("demo")},
                                  {"client_id", Value("demo-client")},
                                  {"client_secret", Value("demo-secret")},
                                  {"bulk_threshold", Value(bulk)},
                                  {"bulk_query_threshold", Value(bulk_query)},
                                  {"max_parallel_requests", Value(parallel)}});
  auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{"."});
  return conn.ok() ? std::move(*conn) : nullptr;
}

struct Row {
  const char* what;
  size_t records;
  double secs;
  size_t calls;
};

// Writes `items` in the engine's way: calls of `per_call` items.
Row write(const char* what, Connection& conn, const std::vector<WriteItem>& items,
          size_t per_call) {
  auto t = Clock::now();
  size_t ok = 0;
  for (size_t at = 0; at < items.size(); at += per_call) {
    std::span<const WriteItem> part(items.data() + at, std::min(per_call, items.size() - at));
    auto res = conn.write(WriteRequest{"Contact", "Id", "", part});
    if (!res) {
      std::fprintf(stderr, "bench: %s\n", res.error().message.c_str());
      std::exit(1);
    }
    for (const WriteResult& r : *res) ok += r.ok;
  }
  return Row{what, ok, secs_since(t), conn.api_calls()};
}

Row read(const char* what, Connection& conn) {
  ReadRequest req;
  req.object = "Contact";
  req.fields = {"LastName", "Email", "Birthdate", "Account.Name", "SystemModstamp"};
  req.cursor_field = "SystemModstamp";
  req.batch_size = 1000;
  size_t before = conn.api_calls();
  auto t = Clock::now();
  auto reader = conn.read(req);
  if (!reader) std::exit(1);
  std::vector<Record> batch;
  size_t n = 0;
  while (true) {
    auto more = (*reader)->next(batch);
    if (!more) {
      std::fprintf(stderr, "bench: %s\n", more.error().message.c_str());
      std::exit(1);
    }
    n += batch.size();
    if (!*more) break;
  }
  return Row{what, n, secs_since(t), conn.api_calls() - before};
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 50000;
  sandbox::salesforce::SalesforceSandboxOptions o;
  o.daily_api_limit = 100'000'000;
  o.threads = 2;
  std::vector<WriteItem> items;
  auto names = make_field_names({"LastName", "FirstName", "Email", "Birthdate"});
  for (size_t i = 0; i < n; ++i) {
    Record r(names);
    r.value(0) = "Doe " + std::to_string(i);
    r.value(1) = "Jo";
    r.value(2) = "jo" + std::to_string(i) + "@example.com";
    r.value(3) = *Date::parse("1990-02-03");
    items.push_back({WriteOp::create, "", r});
  }
  std::vector<Row> rows;
  for (bool bulk : {false, true}) {
    sandbox::salesforce::SalesforceSandbox sb(o);
    if (Status st = sb.start(); !st) return 1;
    auto conn = connect(sb.base_url(), bulk ? 10000 : 0, 0);
    // Calls as large as a flow with batch_size 10000 (source and target) makes.
    rows.push_back(write(
        bulk ? "write, Bulk 2.0 ingest (10,000 a call)" : "write, sObject Collections (200 a call)",
        *conn, items, 10000));
    auto reader = connect(sb.base_url(), 0, bulk ? 1 : 0);
    rows.push_back(
        read(bulk ? "read, Bulk 2.0 query job" : "read, REST query (2,000 a page)", *reader));
    sb.stop();
  }
  // What parallel chunks buy against a real org's round trip: 50 ms per
  // request, calls of 2,000 records (target batch_size 2000), 10 chunks each.
  size_t slow_n = std::min<size_t>(n, 10000);
  std::vector<WriteItem> slow_items(items.begin(), items.begin() + slow_n);
  std::vector<Row> slow_rows;
  static const char* kParallelNames[] = {"write, 50 ms latency, 1 chunk at a time",
                                         "write, 50 ms latency, 4 chunks at once",
                                         "write, 50 ms latency, 8 chunks at once"};
  int64_t parallel[] = {1, 4, 8};
  for (int k = 0; k < 3; ++k) {
    sandbox::salesforce::SalesforceSandboxOptions slow = o;
    slow.threads = 16;  // the sandbox must not be what bounds the parallel calls
    slow.faults.latency_ms = 50;
    sandbox::salesforce::SalesforceSandbox sb(slow);
    if (Status st = sb.start(); !st) return 1;
    auto conn = connect(sb.base_url(), 0, 0, parallel[k]);
    slow_rows.push_back(write(kParallelNames[k], *conn, slow_items, 2000));
    sb.stop();
  }
  std::printf("%-44s %10s %10s %8s\n", "salesforce connector vs sandbox (loopback)", "records",
              "rate", "calls");
  for (const Row& r : rows) {
    std::printf("%-44s %10zu %8.0f/s %8zu\n", r.what, r.records, r.records / r.secs, r.calls);
  }
  for (const Row& r : slow_rows) {
    std::printf("%-44s %10zu %8.0f/s %8zu\n", r.what, r.records, r.records / r.secs, r.calls);
  }
  std::printf(
      "(REST floors: reads ceil(N/2000) = %zu, collection writes ceil(N/200) = %zu; calls\n"
      " of a read include the describe it makes first)\n",
      (n + 1999) / 2000, (n + 199) / 200);
  return 0;
}
