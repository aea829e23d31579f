#pragma once

// The API of the real Service (in process: its scheduler, workers, state
// store and HTTP server on 127.0.0.1:0, on a ManualClock) over a project
// that syncs SQLite into SQLite. Answers can be recorded for the OpenAPI
// conformance test (tests/conformance/api/) with CRMSYNC_API_RECORD=FILE.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/json.h"
#include "net/http_client.h"
#include "service/api.h"
#include "service/dashboard_routes.h"
#include "service/service.h"
#include "state/state_store.h"
#include "support/service_harness.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync::testing {

inline constexpr char kToken[] = "test-token-0123456789abcdef";

// Records (method, path, status, content type, body) of every answer for the
// OpenAPI conformance test, one JSON object a line.
class AnswerRecorder {
 public:
  static AnswerRecorder& get() {
    static AnswerRecorder r;
    return r;
  }
  void add(const std::string& method, const std::string& path, const net::HttpResponse& res) {
    if (!out_) return;
    std::string line = "{\"method\":";
    append_json_string(method, line);
    line += ",\"path\":";
    append_json_string(path, line);
    line += ",\"status\":" + std::to_string(res.status) + ",\"content_type\":";
    append_json_string(res.header("Content-Type").value_or(""), line);
    line += ",\"body\":";
    append_json_string(res.body, line);
    line += "}\n";
    std::lock_guard lock(mutex_);
    *out_ << line << std::flush;
  }
  // The data of one Server-Sent event of `path`.
  void add_event(const std::string& path, const std::string& data) {
    if (!out_) return;
    std::string line = "{\"method\":\"GET\",\"path\":";
    append_json_string(path, line);
    line += ",\"status\":200,\"event\":";
    append_json_string(data, line);
    line += "}\n";
    std::lock_guard lock(mutex_);
    *out_ << line << std::flush;
  }

 private:
  AnswerRecorder() {
    if (const char* file = std::getenv("CRMSYNC_API_RECORD"))
      out_ = std::make_unique<std::ofstream>(file, std::ios::app);
  }
  std::mutex mutex_;
  std::unique_ptr<std::ofstream> out_;
};

// crm.db holds 40 customers (batches of 10), 3 orders and 6 leads, 5 of
// which the warehouse's CHECK constraint rejects (record errors). Every
// flow is manual: only the API starts runs.
class ApiHarness {
 public:
  static constexpr int kCustomers = 40;

  // `dashboard`: the dashboard's routes and logins too (register_dashboard),
  // its sessions on the harness's clock.
  explicit ApiHarness(bool dashboard = false) {
    write_project();
    service::ServeOptions o;
    o.config_path = dir_.file("crmsync.yaml");
    o.listen = "127.0.0.1:0";
    o.clock = &clock_;
    o.log = log_.sink();
    o.api_token = kToken;
    if (dashboard) sessions_ = std::make_shared<service::DashboardSessions>(clock_);
    o.register_routes = [sessions = sessions_](net::HttpServer& server,
                                               service::ServiceControl& control,
                                               service::Metrics& metrics) {
      service::register_api(server, control, metrics, {kToken, sessions});
      if (sessions) service::register_dashboard(server, {kToken, sessions, false});
    };
    auto created = service::Service::create(o);
    if (!created) {
      ADD_FAILURE() << created.error().message;
      return;
    }
    svc_ = std::move(*created);
    follower_ = std::make_unique<RunFollower>(*svc_);
    Status started = svc_->start();
    EXPECT_TRUE(started) << (started ? "" : started.error().message);
    port_ = svc_->port();
  }
  ~ApiHarness() { stop(); }

  void stop() {
    if (follower_) follower_->release();
    if (svc_) svc_->stop();
    follower_.reset();
    svc_.reset();
  }

  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }
  service::Service& service() { return *svc_; }
  StateStore& store() { return svc_->store(); }
  RunFollower& follower() { return *follower_; }
  ManualClock& clock() { return clock_; }
  service::DashboardSessions& sessions() { return *sessions_; }
  ServeLogLines& log() { return log_; }
  SqliteProbe crm() { return SqliteProbe(dir_.file("crm.db")); }
  SqliteProbe warehouse() { return SqliteProbe(dir_.file("warehouse.db")); }
  std::string state_path() const { return dir_.file("crmsync.state.db"); }

  // Sends with the test token unless `token` says otherwise ("" for none).
  net::HttpResponse call(const std::string& method, const std::string& path,
                         const std::string& body = "", const std::string& token = kToken,
                         net::HttpHeaders extra = {}) {
    net::HttpClientRequest req;
    req.method = method;
    req.url = url(path);
    req.body = body;
    req.headers = std::move(extra);
    if (!token.empty()) req.headers.emplace("Authorization", "Bearer " + token);
    if (!body.empty()) req.headers.emplace("Content-Type", "application/json");
    auto res = client_.send(req);
    EXPECT_TRUE(res) << res.error().message;
    if (!res) return {};
    AnswerRecorder::get().add(method, path, *res);
    return *res;
  }
  // The answer's body parsed (a failed test when it is not JSON).
  static Value json(const net::HttpResponse& res) {
    auto v = parse_json(res.body);
    EXPECT_TRUE(v) << res.body;
    return v ? *v : Value();
  }

  // POST /runs with `body`: the new run's id (0 and a failure when refused).
  int64_t submit(const std::string& body) {
    auto res = call("POST", "/api/v1/runs", body);
    EXPECT_EQ(res.status, 202) << res.body;
    auto v = parse_json(res.body);
    const Value* id = v ? v->find("id") : nullptr;
    return id && id->is_int() ? id->as_int() : 0;
  }
  // Holds a run of `orders` at its first batch, so the one worker is busy
  // and runs submitted meanwhile stay queued. Returns the held run.
  int64_t occupy_worker() {
    follower_->hold_next_run();
    int64_t held = submit(R"({"flows": ["orders"]})");
    EXPECT_EQ(follower_->wait_held(), held);
    return held;
  }
  // The run's final status, waited for.
  std::string wait_final(int64_t run_id) {
    auto p = follower_->wait_final(run_id);
    EXPECT_TRUE(p) << "run " << run_id << " did not end\n" << log_.text();
    return p ? std::string(to_string(p->status)) : "";
  }

 private:
  void write_project() {
    dir_.write("crmsync.yaml", R"(
params:
  company: {default: acme}
connections:
  crm: {type: sqlite, path: crm.db}
  warehouse: {type: sqlite, path: warehouse.db}
flows:
  customers:
    source: {connection: crm, object: customers, id_field: id, cursor_field: updated_at, batch_size: 10}
    target: {connection: warehouse, object: customers, id_field: id}
    match: {target_field: crm_id}
    mapping:
      crm_id: id
      name: name
  orders:
    source: {connection: crm, object: orders, id_field: id, batch_size: 10}
    target: {connection: warehouse, object: orders, id_field: id}
    match: {target_field: crm_id}
    mapping:
      crm_id: id
      total: total
  leads:
    source: {connection: crm, object: leads, id_field: id, batch_size: 10}
    target: {connection: warehouse, object: leads, id_field: id}
    match: {target_field: crm_id}
    mapping:
      crm_id: id
      email: email
)");
    SqliteProbe crm(dir_.file("crm.db"));
    crm.exec(
        "CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, updated_at TIMESTAMP);"
        "CREATE TABLE orders (id TEXT PRIMARY KEY, total NUMERIC);"
        "CREATE TABLE leads (id TEXT PRIMARY KEY, email TEXT);");
    for (int i = 0; i < kCustomers; ++i) {
      char row[160];
      std::snprintf(row, sizeof row,
                    "INSERT INTO customers VALUES ('C%03d', 'Customer %d', "
                    "'2026-12-01T10:%02d:00Z');",
                    i, i, i);
      crm.exec(row);
    }
    crm.exec("INSERT INTO orders VALUES ('O1', 10.50), ('O2', 7), ('O3', 99.99);");
    crm.exec(
        "INSERT INTO leads VALUES ('L1', 'ok@example.com'), ('L2', 'bad-2'), ('L3', 'bad-3'),"
        " ('L4', 'bad-4'), ('L5', 'bad-5'), ('L6', 'bad-6');");
    SqliteProbe warehouse(dir_.file("warehouse.db"));
    warehouse.exec(
        "CREATE TABLE leads (id INTEGER PRIMARY KEY, crm_id TEXT UNIQUE,"
        " email TEXT CHECK (email LIKE '%@%'));");
  }

  TempDir dir_;
  ManualClock clock_{utc_micros(2026, 12, 6, 4, 0)};
  std::shared_ptr<service::DashboardSessions> sessions_;  // null: no dashboard
  ServeLogLines log_;
  std::unique_ptr<service::Service> svc_;
  std::unique_ptr<RunFollower> follower_;
  net::HttpClient client_;
  int port_ = 0;
};

// Reads a member path like "error.code" out of a parsed answer.
inline const Value& at(const Value& v, const std::string& dotted) {
  static const Value kMissing;
  const Value* cur = &v;
  size_t start = 0;
  while (cur && start <= dotted.size()) {
    size_t dot = dotted.find('.', start);
    std::string part =
        dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    cur = cur->find(part);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur ? *cur : kMissing;
}

}  // namespace crmsync::testing
