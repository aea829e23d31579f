// Salesforce sandbox throughput over loopback: small REST requests per second
// and query-paging records per second. Bounded in count and time; prints a
// table, asserts nothing.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "core/json.h"
#include "net/http_client.h"
#include "sandbox/salesforce/salesforce_sandbox.h"

namespace {

using namespace crmsync;
using Clock = std::chrono::steady_clock;

double secs_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string login(net::HttpClient& http, const std::string& base) {
  net::HttpClientRequest req;
  req.method = "POST";
  req.url = base + "/services/oauth2/token";
  req.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
  req.body =
      "grant_type=password&client_id=demo-client&client_secret=demo-secret&username=demo%40example."
      "com&password=demo";
  auto r = http.send(req);
  if (!r) return "";
  auto v = parse_json(r->body);
  const Value* t = v ? v->find("access_token") : nullptr;
  return t ? t->as_string() : "";
}

}  // namespace

int main() {
  constexpr int kRecords = 20000;
  constexpr int kThreads = 2;
  constexpr int kMaxRequests = 40000;
  constexpr double kMaxSecs = 4.0;
  sandbox::salesforce::SalesforceSandboxOptions o;
  o.seed_records = kRecords;
  o.daily_api_limit = 100'000'000;
  sandbox::salesforce::SalesforceSandbox sb(o);
  if (Status st = sb.start(); !st) {
    std::fprintf(stderr, "bench: %s\n", st.error().message.c_str());
    return 1;
  }
  std::string base = sb.base_url();
  std::vector<std::string> ids;
  {
    auto lock = sb.store().read_lock();
    for (const Record& r : sb.store().table(*sb.store().schema().find("Account")).rows) {
      ids.push_back(r.id());
    }
  }

  // 1. Small REST requests: GET one Account by id, `kThreads` keep-alive clients.
  std::atomic<int> done{0}, failed{0};
  auto t0 = Clock::now();
  std::vector<std::thread> workers;
  for (int w = 0; w < kThreads; ++w) {
    workers.emplace_back([&, w] {
      net::HttpClient http;
      std::string token = login(http, base);
      for (int i = w;; i += kThreads) {
        if (done.load() >= kMaxRequests || secs_since(t0) > kMaxSecs) break;
        net::HttpClientRequest req;
        req.url = base + "/services/data/v60.0/sobjects/Account/" + ids[i % ids.size()] +
                  "?fields=Id,Name";
        req.headers.emplace("Authorization", "Bearer " + token);
        auto r = http.send(req);
        if (!r || r->status != 200) failed.fetch_add(1);
        done.fetch_add(1);
      }
    });
  }
  for (auto& t : workers) t.join();
  double rest_secs = secs_since(t0);

  // 2. Query paging: the whole Account table, 2000 per page, until the bound.
  net::HttpClient http;
  std::string token = login(http, base);
  long long records = 0;
  int queries = 0;
  auto t1 = Clock::now();
  while (secs_since(t1) < kMaxSecs && queries < 20) {
    std::string url = base +
                      "/services/data/v60.0/query?q=SELECT+Id,Name,Industry,BillingCity,"
                      "SystemModstamp+FROM+Account";
    ++queries;
    while (!url.empty()) {
      net::HttpClientRequest req;
      req.url = url;
      req.headers.emplace("Authorization", "Bearer " + token);
      auto r = http.send(req);
      if (!r || r->status != 200) return 1;
      // Counted by scanning, not parsing: the bench measures the server.
      const std::string& body = r->body;
      for (size_t at = body.find("\"attributes\""); at != std::string::npos;
           at = body.find("\"attributes\"", at + 1)) {
        ++records;
      }
      size_t next = body.find("\"nextRecordsUrl\":\"");
      url = next == std::string::npos
                ? ""
                : base + body.substr(next + 18, body.find('"', next + 18) - next - 18);
    }
  }
  double query_secs = secs_since(t1);
  sb.stop();

  std::printf("%-44s %14s %10s\n", "salesforce sandbox (loopback)", "rate", "goal");
  std::printf("%-44s %11.0f/s %10s\n", "small REST requests (GET sObject, 2 clients)",
              done.load() / rest_secs, "5000/s");
  std::printf("%-44s %11.0f/s %10s\n", "query paging records (2000 a page)", records / query_secs,
              "200000/s");
  std::printf("(%d requests, %d failed; %lld records in %d queries)\n", done.load(), failed.load(),
              records, queries);
  return failed.load() == 0 ? 0 : 1;
}
