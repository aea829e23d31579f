#pragma once

// The pipedrive connector against an in-process Pipedrive sandbox on
// 127.0.0.1:0, shared by the connector's integration tests.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "connectors/registry.h"
#include "core/json.h"
#include "net/http_client.h"
#include "sandbox/pipedrive/pipedrive_sandbox.h"

namespace crmsync::testing {

using sandbox::pipedrive::PipedriveSandbox;
using sandbox::pipedrive::PipedriveSandboxOptions;

class PipedriveConnectorTest : public ::testing::Test {
 protected:
  void start(int64_t sandbox_burst, int64_t connector_burst) {
    PipedriveSandboxOptions o;
    o.burst_limit = sandbox_burst;
    o.search_burst_limit = 0;
    o.threads = 4;
    start_with(o, Object{{"burst_limit", Value(connector_burst)}});
  }

  // The sandbox with `o`; the connector with api_token, base_url,
  // search_burst_limit 0 and `extra` options.
  void start_with(const PipedriveSandboxOptions& o, Object extra = {}) {
    sandbox_ = std::make_unique<PipedriveSandbox>(o);
    ASSERT_TRUE(sandbox_->start().ok());
    connect(std::move(extra));
  }

  void connect(Object extra = {}) {
    ConnectionConfig c;
    c.name = "pd";
    c.type = "pipedrive";
    Object options{{"api_token", Value("demo-token")},
                   {"base_url", Value(sandbox_->base_url())},
                   {"search_burst_limit", Value(int64_t{0})}};
    for (Member& m : extra) options.push_back(std::move(m));
    c.options.values = Value(std::move(options));
    auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{".", clock_});
    ASSERT_TRUE(conn.ok()) << conn.error().message;
    conn_ = std::move(*conn);
  }

  Value admin(const std::string& method, const std::string& path, const std::string& body = "") {
    net::HttpClientRequest req;
    req.method = method;
    req.url = sandbox_->base_url() + path;
    req.headers.emplace("x-api-token", "demo-token");
    if (!body.empty()) req.headers.emplace("Content-Type", "application/json");
    req.body = body;
    auto res = http_.send(req);
    EXPECT_TRUE(res.ok());
    auto v = res.ok() ? parse_json(res->body) : Result<Value>(Value());
    return v.ok() ? *v : Value();
  }

  std::vector<Record> read_all(const std::string& object) {
    ReadRequest req;
    req.object = object;
    return read_all(req);
  }

  std::vector<Record> read_all(const ReadRequest& req) {
    auto reader = conn_->read(req);
    EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().message);
    std::vector<Record> all, batch;
    while (reader.ok()) {
      auto more = (*reader)->next(batch);
      EXPECT_TRUE(more.ok()) << (more.ok() ? "" : more.error().message);
      for (Record& r : batch) all.push_back(std::move(r));
      if (!more.ok() || !*more) break;
    }
    return all;
  }

  // Set before connect() to have the connection wait on it (default: the
  // system clock).
  Clock* clock_ = nullptr;
  std::unique_ptr<PipedriveSandbox> sandbox_;
  std::unique_ptr<Connection> conn_;
  net::HttpClient http_;
};

}  // namespace crmsync::testing
