// Small requests per second against the in-process Pipedrive sandbox over
// loopback, with keep-alive clients. Bounded: at most kMaxRequests per row
// and kMaxSeconds per row. Prints a table; never asserts on time.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "net/http_client.h"
#include "sandbox/pipedrive/pipedrive_sandbox.h"

namespace {

using crmsync::net::HttpClient;
using crmsync::net::HttpClientRequest;
using crmsync::sandbox::pipedrive::PipedriveSandbox;
using crmsync::sandbox::pipedrive::PipedriveSandboxOptions;

constexpr int kMaxRequests = 20000;
constexpr double kMaxSeconds = 5.0;

struct Row {
  const char* name;
  const char* method;
  std::string path;
  std::string body;
};

struct Outcome {
  long ok = 0;
  long failed = 0;
  double seconds = 0;
};

Outcome run(const PipedriveSandbox& sandbox, const Row& row, int clients) {
  std::atomic<long> issued = 0, ok = 0, failed = 0;
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::duration<double>(kMaxSeconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      HttpClient client;
      HttpClientRequest req;
      req.method = row.method;
      req.url = sandbox.base_url() + row.path;
      req.body = row.body;
      req.headers.emplace("x-api-token", "demo-token");
      req.headers.emplace("Content-Type", "application/json");
      while (issued++ < kMaxRequests && std::chrono::steady_clock::now() < deadline) {
        auto res = client.send(req);
        (res.ok() && res->status < 300 ? ok : failed)++;
      }
    });
  }
  for (auto& t : threads) t.join();
  Outcome out;
  out.ok = ok;
  out.failed = failed;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace

int main() {
  PipedriveSandboxOptions options;
  options.seed_records = 1000;
  options.burst_limit = 0;  // measure the server, not the emulated plan
  options.search_burst_limit = 0;
  options.daily_budget = 0;
  PipedriveSandbox sandbox(options);
  if (auto s = sandbox.start(); !s) {
    std::fprintf(stderr, "bench: %s\n", s.error().to_string().c_str());
    return 1;
  }
  std::vector<Row> rows = {
      {"GET v2 person", "GET", "/api/v2/persons/17", ""},
      {"GET v2 persons limit=10", "GET", "/api/v2/persons?limit=10", ""},
      {"GET v1 person", "GET", "/v1/persons/17", ""},
      {"POST v2 person", "POST", "/api/v2/persons",
       R"({"name":"Bench Person","emails":[{"value":"b@x.io"}]})"},
      {"PATCH v2 deal", "PATCH", "/api/v2/deals/5", R"({"title":"Bench Deal"})"},
  };
  std::printf("%-26s %8s %9s %7s %10s\n", "request", "clients", "requests", "errors", "req/s");
  for (const auto& row : rows) {
    for (int clients : {1, 4}) {
      Outcome o = run(sandbox, row, clients);
      std::printf("%-26s %8d %9ld %7ld %10.0f\n", row.name, clients, o.ok, o.failed,
                  o.ok / (o.seconds > 0 ? o.seconds : 1));
    }
  }
  return 0;
}
