#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "connectors/registry.h"
#include "sandbox/salesforce/salesforce_sandbox.h"

namespace crmsync::testing {

// An in-process Salesforce sandbox on 127.0.0.1:0.
inline std::unique_ptr<sandbox::salesforce::SalesforceSandbox> start_sf_sandbox(
    sandbox::salesforce::SalesforceSandboxOptions o = {}) {
  o.threads = 4;
  auto sb = std::make_unique<sandbox::salesforce::SalesforceSandbox>(o);
  Status s = sb->start();
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return sb;
}

// The faults the reliability tests run under: 10% 503, 5% 429, and every
// session expiring each `expiry_secs`.
inline sandbox::salesforce::SalesforceSandboxOptions sf_fault_options(int64_t expiry_secs) {
  sandbox::salesforce::SalesforceSandboxOptions o;
  o.faults.rate_503 = 0.10;
  o.faults.rate_429 = 0.05;
  o.faults.session_expiry_every_secs = expiry_secs;
  return o;
}

// A salesforce connection to `sb` logging in as the demo user, with
// `extra` options (query_batch_size, bulk_threshold ...) added.
inline std::unique_ptr<Connection> connect_sf(const sandbox::salesforce::SalesforceSandbox& sb,
                                              Object extra = {},
                                              const std::string& password = "demo") {
  ConnectionConfig c;
  c.name = "sf";
  c.type = "salesforce";
  Object o{{"login_url", Value(sb.base_url())},
           {"username", Value("demo@example.com")},
           {"password", Value(password)},
           {"client_id", Value("demo-client")},
           {"client_secret", Value("demo-secret")}};
  for (Member& m : extra) o.push_back(std::move(m));
  c.options.values = Value(std::move(o));
  auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{"."});
  EXPECT_TRUE(conn.ok()) << (conn.ok() ? "" : conn.error().message);
  return conn.ok() ? std::move(*conn) : nullptr;
}

// The `sf:` connection of a config, indented under `connections:`, with
// `extra` option lines ("    bulk_query_threshold: 0\n").
inline std::string sf_connection_yaml(const sandbox::salesforce::SalesforceSandbox& sb,
                                      const std::string& extra = "") {
  return "  sf:\n    type: salesforce\n    login_url: " + sb.base_url() +
         "\n    username: demo@example.com\n    password: demo\n    client_id: demo-client\n"
         "    client_secret: demo-secret\n" +
         extra;
}

}  // namespace crmsync::testing
