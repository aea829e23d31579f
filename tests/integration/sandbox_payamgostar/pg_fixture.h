#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/json.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "sandbox/payamgostar/payamgostar_sandbox.h"

namespace crmsync::sandbox::payamgostar::testing {

// 2025-12-21 10:36:17.173 UTC: 14:06:17.173 in Tehran.
inline constexpr int64_t kStartMs = 1766313377173;

// An in-process Payamgostar sandbox whose clock moves only when a test
// moves it, and a client that talks to it.
class PgTest : public ::testing::Test {
 protected:
  void SetUp() override { start(default_options()); }

  PayamgostarSandboxOptions default_options() {
    PayamgostarSandboxOptions o;
    o.threads = 4;
    o.clock_ms = [this] { return now_ms_.load(); };
    return o;
  }
  void start(PayamgostarSandboxOptions options) {
    sandbox_.reset();
    sandbox_ = std::make_unique<PayamgostarSandbox>(std::move(options));
    ASSERT_TRUE(sandbox_->start().ok());
    token_.clear();
  }

  struct Answer {
    int status = 0;
    net::HttpResponse response;
    Value json;
    bool transport_failed = false;
    const Value& operator[](std::string_view key) const {
      static const Value kNull;
      const Value* v = json.find(key);
      return v ? *v : kNull;
    }
  };

  Answer call(const std::string& method, const std::string& path, const std::string& body,
              const std::string& authorization) {
    net::HttpClientRequest req;
    req.method = method;
    req.url = sandbox_->base_url() + path;
    req.body = body;
    req.timeout_secs = 10;
    if (!authorization.empty()) req.headers.emplace("Authorization", authorization);
    if (!body.empty()) req.headers.emplace("Content-Type", "application/json");
    auto res = client_.send(req);
    Answer answer;
    if (!res.ok()) {
      answer.transport_failed = true;
      return answer;
    }
    answer.status = res->status;
    answer.response = *res;
    if (auto parsed = parse_json(res->body); parsed.ok()) answer.json = *parsed;
    return answer;
  }

  Answer login(const std::string& username = "admin",
               const std::string& password = "demo-password") {
    Object body{{"username", Value(username)},
                {"password", Value(password)},
                {"deviceId", Value("crmsync-test")},
                {"platformType", Value(1)},
                {"os", Value("Linux")},
                {"osVersion", Value("6")},
                {"token", Value("")}};
    return call("POST", "/api/v2/auth/login", to_json(Value(std::move(body))), "");
  }

  // POST /api/v2/<path> with a Bearer token (logging in once when needed).
  Answer api(const std::string& path, const std::string& body) {
    if (token_.empty()) {
      Answer a = login();
      EXPECT_EQ(a.status, 200) << a.response.body;
      token_ = a["accessToken"].is_string() ? a["accessToken"].as_string() : "";
    }
    return call("POST", "/api/v2/" + path, body, "Bearer " + token_);
  }

  // A created record's crmId (the test fails when the create is refused).
  std::string create(const std::string& type, const std::string& body) {
    Answer a = api("crmobject/" + type + "/create", body);
    EXPECT_EQ(a.status, 200) << a.response.body;
    return a["crmId"].is_string() ? a["crmId"].as_string() : "";
  }

  std::atomic<int64_t> now_ms_{kStartMs};
  std::unique_ptr<PayamgostarSandbox> sandbox_;
  net::HttpClient client_;
  std::string token_;
};

// A webhook receiver: answers 200 and keeps each request as it came.
class HookReceiver {
 public:
  struct Hit {
    std::string method;
    std::string path;
    std::multimap<std::string, std::string> query;
    net::HttpHeaders headers;
    std::string body;
  };
  HookReceiver() {
    server_.on("GET", "/webhook/crm/.*",
               [this](const net::HttpRequest& req, net::HttpResponse& res) {
                 std::lock_guard lock(mu_);
                 hits_.push_back({req.method, req.path, req.query, req.headers, req.body});
                 res.body = R"({"received":true})";
               });
    EXPECT_TRUE(server_.listen("127.0.0.1", 0).ok());
    EXPECT_TRUE(server_.start().ok());
  }
  std::string url(const std::string& tail) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + "/webhook/crm/" + tail;
  }
  std::vector<Hit> hits() {
    std::lock_guard lock(mu_);
    return hits_;
  }
  size_t count() {
    std::lock_guard lock(mu_);
    return hits_.size();
  }

 private:
  std::mutex mu_;
  std::vector<Hit> hits_;
  net::HttpServer server_;
};

}  // namespace crmsync::sandbox::payamgostar::testing
