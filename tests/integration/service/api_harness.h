#pragma once

// The API on a real HttpServer (port 0) over a real SQLite state store.
// Until branch `service` lands, the ServiceControl behind it is ApiTestControl
// (below): it keeps its runs in that real store and lets a test play the
// worker (start, progress, finish). Answers can be recorded for the OpenAPI
// conformance test (tests/conformance/api/) with CRMSYNC_API_RECORD=FILE.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "core/clock.h"
#include "core/json.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "service/api.h"
#include "service/control.h"
#include "service/metrics.h"
#include "state/state_store.h"
#include "support/temp_dir.h"

namespace crmsync::testing {

using service::Answer;
using service::RequestError;
using service::RunProgress;

inline constexpr char kToken[] = "test-token-0123456789abcdef";

class ApiTestControl : public service::ServiceControl {
 public:
  ApiTestControl(StateStore& store, Clock& clock) : store_(store), clock_(clock) {}

  Answer<int64_t> submit(const RunRequest& request) override {
    Answer<int64_t> a;
    for (size_t i = 0; i < request.flows.size(); ++i)
      if (!known_flows_.count(request.flows[i])) {
        a.error = {400, "unknown_flow", "no flow '" + request.flows[i] + "'",
                   "flows[" + std::to_string(i) + "]"};
        return a;
      }
    for (const auto& [name, value] : request.params)
      if (name != "company") {
        a.error = {400, "unknown_param", "no param '" + name + "'", "params." + name};
        return a;
      }
    auto id = store_.queue_run(request, clock_.now_micros());
    if (!id) {
      a.error = {500, "internal_error", id.error().message, ""};
      return a;
    }
    publish(*id, RunStatus::queued, "", {});
    a.value = *id;
    return a;
  }

  Answer<RunInfo> cancel(int64_t run_id) override {
    Answer<RunInfo> a;
    auto cancelled = store_.request_cancel(run_id, clock_.now_micros());
    auto run = store_.run(run_id);
    if (!run || !*run) {
      a.error = {404, "not_found", "no run " + std::to_string(run_id), "id"};
      return a;
    }
    if (!cancelled || !*cancelled) {
      a.error = {409, "run_ended", "run " + std::to_string(run_id) + " already ended", "id"};
      return a;
    }
    if ((*run)->status == RunStatus::cancelled) publish(run_id, RunStatus::cancelled, "", {});
    a.value = **run;
    return a;
  }

  Answer<int64_t> retry(int64_t run_id) override {
    Answer<int64_t> a;
    auto run = store_.run(run_id);
    if (!run || !*run) {
      a.error = {404, "not_found", "no run " + std::to_string(run_id), "id"};
      return a;
    }
    (void)store_.requeue_errors(run_id, clock_.now_micros());
    RunRequest request = (*run)->request;
    request.trigger = "retry";
    auto id = store_.queue_run(request, clock_.now_micros());
    if (id) a.value = *id;
    return a;
  }

  std::vector<service::FlowStatus> flows() override {
    service::FlowStatus f;
    f.name = "customers";
    f.source_connection = "crm";
    f.target_connection = "erp";
    f.schedule = "0 5 * * *";
    f.timezone = "UTC";
    f.next_fire_at = 1'800'000'000'000'000;
    f.cursor = Cursor{Value(DateTime{1'700'000'000'000'000, 0}), "C-7"};
    service::FlowStatus g;
    g.name = "orders";
    g.source_connection = "crm";
    g.target_connection = "erp";
    g.manual = true;
    return {f, g};
  }

  std::vector<service::ConnectionStatus> connections() override {
    return {{"crm", "sqlite", 1'700'000'000'000'000, true, ""}, {"erp", "sqlite", 0, false, ""}};
  }

  std::optional<RunProgress> progress(int64_t run_id) override {
    {
      std::lock_guard lock(mutex_);
      auto it = live_.find(run_id);
      if (it != live_.end()) return it->second;
    }
    auto run = store_.run(run_id);
    if (!run || !*run) return std::nullopt;
    RunProgress p;
    p.run_id = run_id;
    p.status = (*run)->status;
    p.flows = (*run)->flows;
    p.version = 1;
    return p;
  }

  int64_t watch_progress(std::function<void(const RunProgress&)> listener) override {
    std::lock_guard lock(mutex_);
    listeners_[++next_handle_] = std::move(listener);
    return next_handle_;
  }
  void unwatch_progress(int64_t handle) override {
    std::lock_guard lock(mutex_);
    listeners_.erase(handle);
  }
  StateStore& store() override { return store_; }
  service::Readiness readiness() override {
    std::lock_guard lock(mutex_);
    return readiness_;
  }

  // --- the test plays the worker
  void start(int64_t run_id) {
    ASSERT_TRUE(*store_.start_run(run_id, clock_.now_micros()));
    publish(run_id, RunStatus::running, "", {});
  }
  void progress_batch(int64_t run_id, const std::string& flow, FlowCounts delta) {
    BatchCommit batch;
    batch.flow = flow;
    batch.run_id = run_id;
    batch.counts = delta;
    ASSERT_TRUE(store_.commit(batch));
    auto run = store_.run(run_id);
    publish(run_id, RunStatus::running, flow, (*run)->flows);
  }
  void finish(int64_t run_id, RunStatus status) {
    ASSERT_TRUE(store_.end_run(run_id, status, "", clock_.now_micros()));
    auto run = store_.run(run_id);
    publish(run_id, status, "", (*run)->flows);
  }
  void set_readiness(bool ready, std::string reason) {
    std::lock_guard lock(mutex_);
    readiness_ = {ready, std::move(reason)};
  }
  size_t listeners() {
    std::lock_guard lock(mutex_);
    return listeners_.size();
  }

 private:
  void publish(int64_t run_id, RunStatus status, const std::string& flow,
               std::map<std::string, FlowCounts> counts) {
    std::vector<std::function<void(const RunProgress&)>> to_call;
    RunProgress p;
    {
      std::lock_guard lock(mutex_);
      p.run_id = run_id;
      p.status = status;
      p.flow = flow;
      p.flows = std::move(counts);
      p.updated_at = clock_.now_micros();
      p.version = ++versions_[run_id];
      if (is_final(status))
        live_.erase(run_id);
      else
        live_[run_id] = p;
      for (auto& [h, l] : listeners_) to_call.push_back(l);
    }
    for (auto& l : to_call) l(p);
  }

  StateStore& store_;
  Clock& clock_;
  std::mutex mutex_;
  std::set<std::string> known_flows_ = {"customers", "orders"};
  std::map<int64_t, RunProgress> live_;
  std::map<int64_t, uint64_t> versions_;
  std::map<int64_t, std::function<void(const RunProgress&)>> listeners_;
  int64_t next_handle_ = 0;
  service::Readiness readiness_{true, ""};
};

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

class ApiHarness {
 public:
  ApiHarness() : clock_(1'780'000'000'000'000) {
    auto opened = open_sqlite_state_store(dir_.file("state.db"));
    EXPECT_TRUE(opened) << opened.error().message;
    store_ = make_locked_state_store(std::move(*opened));
    control_ = std::make_unique<ApiTestControl>(*store_, clock_);
    server_ = std::make_unique<net::HttpServer>();
    service::register_api(*server_, *control_, metrics_, {kToken});
    EXPECT_TRUE(server_->listen("127.0.0.1", 0));
    EXPECT_TRUE(server_->start());
    port_ = server_->port();
  }
  ~ApiHarness() { server_.reset(); }

  int port() const { return port_; }
  void stop_server() { server_.reset(); }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }
  ApiTestControl& control() { return *control_; }
  StateStore& store() { return *store_; }
  ManualClock& clock() { return clock_; }
  service::Metrics& metrics() { return metrics_; }

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

 private:
  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<StateStore> store_;
  std::unique_ptr<ApiTestControl> control_;
  service::Metrics metrics_;
  std::unique_ptr<net::HttpServer> server_;
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
