// Webhook ingest (issue 19): `crmsync serve` in process on the system
// clock; 16 concurrent senders POST signed Standard Webhooks deliveries
// (HMAC checked, one inbox commit each, acknowledged after the commit)
// over keep-alive connections while the drainer drains them. Prints events
// per second committed and the acknowledgement time percentiles.
// Usage: bench_webhook_ingest [--senders N] [--events N]   (default 16, 20000)
// Goals: >= 5,000 events/s, p99 ack <= 20 ms on 2 cores. Never asserted.
#pragma GCC diagnostic ignored "-Wrestrict"  // GCC bug 105329, as serve_bench.cc

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/base64.h"
#include "net/http_client.h"
#include "net/standard_webhook.h"
#include "service/service.h"

namespace fs = std::filesystem;
using namespace crmsync;

namespace {

const std::string kSecret = "whsec_" + base64_encode("bench signing key, 32 bytes long");

std::string write_project(const fs::path& dir) {
  fs::create_directories(dir);
  std::ofstream(dir / "crmsync.yaml") << R"(state: {path: state.db}
connections:
  crm:
    type: sqlite
    path: crm.db
    webhooks:
      scheme: standard
      secrets: [")" << kSecret << R"("]
      id: body.data.id
      object: body.type
  out: {type: sqlite, path: out.db}
flows:
  people:
    source: {connection: crm, object: people, id_field: id}
    target: {connection: out, object: people}
    trigger: {webhook: true}
    mapping: {id: id, name: name}
)";
  sqlite3* db = nullptr;
  sqlite3_open((dir / "crm.db").c_str(), &db);
  std::string sql = "create table people (id text primary key, name text); begin;";
  for (int i = 0; i < 1000; ++i) {
    sql += "insert into people values ('p" + std::to_string(i) + "', 'Person " + std::to_string(i) +
           "');";
  }
  sqlite3_exec(db, (sql + "commit;").c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return (dir / "crmsync.yaml").string();
}

int64_t count_rows(const fs::path& db_path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  int64_t n = -1;
  if (sqlite3_prepare_v2(db, "select count(*) from inbox", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    n = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  int senders = 16;
  int events = 20000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--senders") == 0) senders = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--events") == 0) events = std::atoi(argv[i + 1]);
  }
  fs::path dir = fs::temp_directory_path() / ("crmsync-webhook-bench-" + std::to_string(getpid()));
  service::ServeOptions o;
  o.config_path = write_project(dir);
  o.listen = "127.0.0.1:0";
  o.api_token = "bench-token-0123456789abcdef";
  o.log = [](std::string_view) {};
  o.webhooks.per_address_rate = 1e9;
  o.webhooks.per_address_burst = 1e9;
  auto svc = service::Service::create(o);
  if (!svc || !(*svc)->start()) {
    std::fprintf(stderr, "serve did not start\n");
    return 1;
  }
  std::string url = "http://127.0.0.1:" + std::to_string((*svc)->port()) + "/hooks/crm";

  std::vector<std::vector<double>> lat(static_cast<size_t>(senders));
  std::atomic<int64_t> failures{0};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int s = 0; s < senders; ++s) {
    threads.emplace_back([&, s] {
      net::HttpClient client;
      auto& mine = lat[static_cast<size_t>(s)];
      for (int i = s; i < events; i += senders) {
        std::string id = "msg_" + std::to_string(i);
        std::string body =
            R"({"type":"people","data":{"id":"p)" + std::to_string(i % 1000) + R"("}})";
        std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
        net::HttpClientRequest req;
        req.method = "POST";
        req.url = url;
        req.body = body;
        req.headers.emplace("Content-Type", "application/json");
        req.headers.emplace("webhook-id", id);
        req.headers.emplace("webhook-timestamp", ts);
        req.headers.emplace("webhook-signature", net::sign_standard_webhook(kSecret, id, ts, body));
        auto a = std::chrono::steady_clock::now();
        auto res = client.send(req);
        auto b = std::chrono::steady_clock::now();
        if (!res || res->status != 202) ++failures;
        mine.push_back(std::chrono::duration<double, std::milli>(b - a).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  (*svc)->stop();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  int64_t committed = count_rows(dir / "state.db");
  std::printf("%-22s %8s %10s %12s %9s %9s %9s %9s\n", "bench", "senders", "events", "events/s",
              "p50 ms", "p99 ms", "max ms", "failed");
  std::printf("%-22s %8d %10lld %12.0f %9.2f %9.2f %9.2f %9lld\n", "webhook_ingest", senders,
              static_cast<long long>(committed), static_cast<double>(committed) / secs,
              percentile(all, 0.50), percentile(all, 0.99), percentile(all, 1.0),
              static_cast<long long>(failures.load()));
  fs::remove_all(dir);
  return 0;
}
