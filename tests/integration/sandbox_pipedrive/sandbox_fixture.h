#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/json.h"
#include "net/http_client.h"
#include "sandbox/pipedrive/pipedrive_sandbox.h"

namespace crmsync::sandbox::pipedrive::testing {

// An in-process sandbox on 127.0.0.1:0 and a client that talks to it.
class SandboxTest : public ::testing::Test {
 protected:
  // Tests that need other options change them before calling start().
  void start(PipedriveSandboxOptions options = default_options()) {
    sandbox_ = std::make_unique<PipedriveSandbox>(std::move(options));
    ASSERT_TRUE(sandbox_->start().ok());
  }
  static PipedriveSandboxOptions default_options() {
    PipedriveSandboxOptions o;
    o.burst_limit = 0;  // most tests send faster than any plan allows
    o.search_burst_limit = 0;
    o.threads = 4;
    return o;
  }

  struct Answer {
    int status = 0;
    net::HttpResponse response;
    Value json;
    const Value& operator[](std::string_view key) const {
      static const Value kNull;
      const Value* v = json.find(key);
      return v ? *v : kNull;
    }
  };

  Answer call(const std::string& method, const std::string& path, const std::string& body = "",
              const std::string& token = "demo-token") {
    net::HttpClientRequest req;
    req.method = method;
    req.url = sandbox_->base_url() + path;
    req.body = body;
    req.timeout_secs = 10;
    if (!token.empty()) req.headers.emplace("x-api-token", token);
    if (!body.empty()) req.headers.emplace("Content-Type", "application/json");
    auto res = client_.send(req);
    Answer answer;
    if (!res.ok()) {
      ADD_FAILURE() << res.error().to_string();
      return answer;
    }
    answer.status = res->status;
    answer.response = *res;
    auto parsed = parse_json(res->body);
    if (parsed.ok()) answer.json = *parsed;
    return answer;
  }

  std::unique_ptr<PipedriveSandbox> sandbox_;
  net::HttpClient client_;
};

}  // namespace crmsync::sandbox::pipedrive::testing
