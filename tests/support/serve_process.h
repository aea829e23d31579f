#pragma once

// The real `crmsync serve` as a child process, for scenario tests that
// crash it, signal it and steer it through its API: start it on a free
// port with a token and an environment, wait until /readyz answers 200,
// call /api/v1 with the bearer token, and read its JSON log lines (stderr,
// one event a line) from the log file it writes.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "net/http_client.h"
#include "support/eventually.h"
#include "support/process.h"

namespace crmsync::testing {

// A loopback port nothing listens on now (bound, read, closed). Another
// process could take it before serve binds it; serve then fails to start
// and wait_ready says so.
inline int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// A field of a JSON object as text / integer; "" / 0 when absent.
inline std::string text_of(const Value& v, std::string_view key) {
  const Value* f = v.is_object() ? v.find(key) : nullptr;
  return f && !f->is_null() ? f->to_text() : "";
}
inline int64_t int_of(const Value& v, std::string_view key) {
  const Value* f = v.is_object() ? v.find(key) : nullptr;
  return f && f->is_int() ? f->as_int() : 0;
}

// The interrupted run a run resumes (in its request); 0: none.
inline int64_t resumed_from(const Value& run) {
  if (int64_t top = int_of(run, "resumed_from")) return top;
  const Value* request = run.is_object() ? run.find("request") : nullptr;
  return request ? int_of(*request, "resumed_from") : 0;
}

// Whether a run's status is one it ends in.
inline bool is_final_status(const std::string& s) {
  return s == "succeeded" || s == "partial" || s == "failed" || s == "cancelled" ||
         s == "interrupted";
}

struct ApiReply {
  int status = 0;  // 0: no answer (transport error, in `body`)
  std::string body;
  Value json;  // null when the body is not JSON
};

class ServeProcess {
 public:
  struct Options {
    std::string dir;  // working directory; holds the config
    std::string config = "crmsync.yaml";
    std::vector<std::string> params;  // --param NAME=VALUE
    std::vector<std::string> env;     // NAME=value added to the child's environment
    std::string token = "scenario-api-token-0123456789";
    std::string log;  // appended across restarts; default: <dir>/serve.log
    // Listen on this port every start (webhooks registered at it must reach
    // each restart); 0: a new free port each start.
    int port = 0;
  };

  explicit ServeProcess(Options options) : options_(std::move(options)) {
    if (options_.log.empty()) options_.log = options_.dir + "/serve.log";
  }

  // Starts serve on options.port, or a new free port (a restart after kill9
  // gets a new one).
  void start() {
    port_ = options_.port != 0 ? options_.port : free_loopback_port();
    ASSERT_GT(port_, 0);
    std::vector<std::string> argv = {CRMSYNC_BINARY, "serve",
                                     "-c",           options_.config,
                                     "--listen",     "127.0.0.1:" + std::to_string(port_)};
    for (const auto& p : options_.params) {
      argv.push_back("--param");
      argv.push_back(p);
    }
    std::vector<std::string> env = options_.env;
    env.push_back("CRMSYNC_API_TOKEN=" + options_.token);
    process_ = std::make_unique<Process>(argv, options_.dir, options_.log, env);
    ASSERT_TRUE(process_->started());
  }

  // Until GET /readyz answers 200; false when serve
  // exited first or `limit` passed.
  bool wait_ready(std::chrono::milliseconds limit = std::chrono::seconds(60)) {
    bool ready = false;
    eventually(
        [&] {
          if (!process_ || !process_->running()) return true;  // exited: give up
          ready = request("GET", "/readyz", "", false, 2).status == 200;
          return ready;
        },
        limit);
    return ready;
  }

  // Starts serve and waits until it is ready; fails the test otherwise.
  void start_ready() {
    start();
    ASSERT_TRUE(wait_ready()) << "serve did not become ready; log:\n" << log_tail();
  }

  // kill -9; returns once the process is reaped.
  void kill9() {
    if (!process_) return;
    process_->signal(SIGKILL);
    process_->wait();
  }
  void signal(int sig) {
    if (process_) process_->signal(sig);
  }
  bool running() { return process_ && process_->running(); }
  std::optional<int> wait_exit(std::chrono::milliseconds limit) {
    if (!process_) return std::nullopt;
    return process_->wait_for(limit);
  }
  int port() const { return port_; }
  const Options& options() const { return options_; }

  // ---- the API ----
  ApiReply request(const std::string& method, const std::string& path, const std::string& body = "",
                   bool with_token = true, double timeout_secs = 30) {
    net::HttpClientRequest req;
    req.method = method;
    req.url = "http://127.0.0.1:" + std::to_string(port_) + path;
    req.body = body;
    req.timeout_secs = timeout_secs;
    req.connect_timeout_secs = timeout_secs;
    if (!body.empty()) req.headers.emplace("Content-Type", "application/json");
    if (with_token) req.headers.emplace("Authorization", "Bearer " + options_.token);
    ApiReply out;
    auto r = http_.send(req);
    if (!r.ok()) {
      out.body = r.error().message;
      return out;
    }
    out.status = r->status;
    out.body = r->body;
    if (auto v = parse_json(r->body); v.ok()) out.json = *v;
    return out;
  }

  // POST /api/v1/runs; the new run's id (0 and a test failure otherwise).
  int64_t submit(const std::vector<std::string>& flows) {
    std::string body = "{\"flows\":[";
    for (size_t i = 0; i < flows.size(); ++i) body += (i ? ",\"" : "\"") + flows[i] + "\"";
    ApiReply r = request("POST", "/api/v1/runs", body + "]}");
    EXPECT_EQ(r.status, 202) << r.body;
    return int_of(r.json, "id");
  }

  // GET /api/v1/runs/{id}; null when it answered no run.
  Value run(int64_t id) {
    ApiReply r = request("GET", "/api/v1/runs/" + std::to_string(id));
    EXPECT_EQ(r.status, 200) << "run " << id << ": " << r.body;
    return r.status == 200 ? r.json : Value();
  }

  // Every run the API lists for `query` ("flow=x&status=y"), newest
  // first, following "next" (the path of the next page, or null).
  std::vector<Value> runs(const std::string& query = "") {
    std::vector<Value> out;
    std::string path = "/api/v1/runs?limit=100" + (query.empty() ? "" : "&" + query);
    for (int page = 0; page < 1000 && !path.empty(); ++page) {
      ApiReply r = request("GET", path);
      EXPECT_EQ(r.status, 200) << path << ": " << r.body;
      const Value* list = r.json.is_object() ? r.json.find("runs") : nullptr;
      if (list == nullptr || !list->is_array()) break;
      for (const Value& v : list->as_array()) out.push_back(v);
      path = text_of(r.json, "next");
    }
    return out;
  }

  // The run once it has a final status ; null after `limit`.
  Value wait_run_final(int64_t id, std::chrono::milliseconds limit = std::chrono::seconds(60)) {
    Value v;
    if (eventually(
            [&] {
              v = run(id);
              return is_final_status(text_of(v, "status"));
            },
            limit)) {
      return v;
    }
    ADD_FAILURE() << "run " << id << " did not end within " << limit.count() << " ms; log:\n"
                  << log_tail();
    return Value();
  }

  // ---- the log ----
  std::string log_text() const {
    std::ifstream in(options_.log);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string log_tail(size_t bytes = 6000) const {
    std::string t = log_text();
    return t.size() > bytes ? "..." + t.substr(t.size() - bytes) : t;
  }
  // Every JSON log line with an "event", oldest first (all starts of serve).
  std::vector<Value> events() const {
    std::vector<Value> out;
    std::istringstream in(log_text());
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] != '{') continue;
      auto v = parse_json(line);
      if (v.ok() && v->is_object() && v->find("event")) out.push_back(std::move(*v));
    }
    return out;
  }
  // Events named `name` from index `from` of events() on.
  std::vector<Value> events_named(const std::string& name, size_t from = 0) const {
    std::vector<Value> all = events(), out;
    for (size_t i = from; i < all.size(); ++i) {
      if (text_of(all[i], "event") == name) out.push_back(all[i]);
    }
    return out;
  }
  // The first event at index `from` or later that `pred` accepts ; nullopt after `limit`.
  std::optional<Value> wait_event(
      const std::function<bool(const Value&)>& pred, size_t from = 0,
      std::chrono::milliseconds limit = std::chrono::seconds(30)) const {
    std::optional<Value> found;
    eventually(
        [&] {
          std::vector<Value> all = events();
          for (size_t i = from; i < all.size() && !found; ++i) {
            if (pred(all[i])) found = all[i];
          }
          return found.has_value();
        },
        limit);
    return found;
  }
  std::optional<Value> wait_event(
      const std::string& name, size_t from = 0,
      std::chrono::milliseconds limit = std::chrono::seconds(30)) const {
    return wait_event([&](const Value& e) { return text_of(e, "event") == name; }, from, limit);
  }

 private:
  Options options_;
  std::unique_ptr<Process> process_;
  int port_ = 0;
  net::HttpClient http_;
};

}  // namespace crmsync::testing
