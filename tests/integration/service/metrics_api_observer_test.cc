// API answers per connection against the real Salesforce sandbox: the
// observer a connection's HTTP session reports to sees every answer the
// sandbox logged (each attempt, retries and the login included) and the
// budget its Sforce-Limit-Info header states; through SyncEngine and the
// service's MetricsApiObserver they become crmsync_api_requests_total and
// crmsync_api_budget_remaining.
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "connectors/salesforce/salesforce_connection.h"
#include "core/json.h"
#include "integration/salesforce_connector/sf_test_env.h"
#include "net/http_client.h"
#include "net/url.h"
#include "sandbox/pipedrive/pipedrive_sandbox.h"
#include "service/metrics.h"
#include "service/metrics_observer.h"
#include "support/engine_fixture.h"
#include "support/sqlite_probe.h"

namespace crmsync {
namespace {

using sandbox::salesforce::FaultOptions;
using sandbox::salesforce::SalesforceSandbox;
using sandbox::salesforce::SalesforceSandboxOptions;

const std::string kQuery = "/query?q=" + net::url_encode("SELECT Id FROM User");

// What the observer was told, in order.
class RecordingObserver final : public net::ApiObserver {
 public:
  void answered(std::string_view connection, int http_status) override {
    std::lock_guard lock(mu_);
    statuses_.push_back(http_status);
    connections_.emplace_back(connection);
  }
  void budget_remaining(std::string_view connection, double remaining) override {
    std::lock_guard lock(mu_);
    budgets_.push_back(remaining);
    connections_.emplace_back(connection);
  }
  std::vector<int> statuses() const {
    std::lock_guard lock(mu_);
    return statuses_;
  }
  std::vector<double> budgets() const {
    std::lock_guard lock(mu_);
    return budgets_;
  }
  std::vector<std::string> connections() const {
    std::lock_guard lock(mu_);
    return connections_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<int> statuses_;
  std::vector<double> budgets_;
  std::vector<std::string> connections_;
};

// The statuses of the sandbox's request log, in order (logins included).
std::vector<int> logged_statuses(const SalesforceSandbox& sb) {
  net::HttpClient http;
  net::HttpClientRequest req;
  req.url = sb.base_url() + "/__admin/requests";
  auto res = http.send(req);
  EXPECT_TRUE(res.ok());
  std::vector<int> out;
  auto log = res.ok() ? parse_json(res->body) : parse_json("[]");
  if (!log.ok() || !log->is_array()) return out;
  for (const Value& r : log->as_array())
    out.push_back(static_cast<int>(r.find("status")->as_int()));
  return out;
}

std::unique_ptr<Connection> connect_observed(const SalesforceSandbox& sb, ManualClock& clock,
                                             net::ApiObserver& observer) {
  ConnectionConfig c;
  c.name = "crm \"prod\"";  // a name that needs escaping in a label
  c.type = "salesforce";
  c.options.values = Value(Object{{"login_url", Value(sb.base_url())},
                                  {"username", Value("demo@example.com")},
                                  {"password", Value("demo")},
                                  {"client_id", Value("demo-client")},
                                  {"client_secret", Value("demo-secret")},
                                  {"max_attempts", Value(int64_t{3})}});
  ConnectorContext ctx{".", &clock};
  ctx.log = [](std::string_view) {};  // retries are expected here
  ctx.api_observer = &observer;
  auto conn = ConnectorRegistry::instance().create(c, ctx);
  EXPECT_TRUE(conn.ok()) << (conn.ok() ? "" : conn.error().message);
  return conn.ok() ? std::move(*conn) : nullptr;
}

TEST(ApiObserver, SeesEveryAnswerOfASalesforceSessionAndItsBudget) {
  SalesforceSandboxOptions o;
  o.daily_api_limit = 1000;
  auto sb = testing::start_sf_sandbox(o);
  ManualClock clock(1700000000LL * 1000000);
  RecordingObserver seen;
  auto conn = connect_observed(*sb, clock, seen);
  ASSERT_NE(conn, nullptr);
  auto& sf = dynamic_cast<SalesforceConnection&>(*conn);

  for (int i = 0; i < 3; ++i) ASSERT_TRUE(sf.call("GET", kQuery).ok());
  // A final 4xx: an object the org does not have.
  auto bad = sf.call("GET", "/query?q=" + net::url_encode("SELECT Id FROM NoSuchThing__c"));
  EXPECT_TRUE(bad.ok() ? bad->status >= 400 : true);
  // Every attempt of a call the server keeps refusing (max_attempts 3).
  FaultOptions always_503;
  always_503.rate_503 = 1;
  sb->set_faults(always_503);
  EXPECT_FALSE(sf.call("GET", kQuery).ok());
  sb->set_faults(FaultOptions{});

  const std::vector<int> logged = logged_statuses(*sb);
  EXPECT_EQ(seen.statuses(), logged);
  ASSERT_GE(logged.size(), size_t(8));
  EXPECT_EQ(logged.front(), 200);  // the login
  EXPECT_EQ((std::vector<int>(logged.end() - 3, logged.end())), (std::vector<int>{503, 503, 503}));
  for (const std::string& name : seen.connections()) EXPECT_EQ(name, "crm \"prod\"");

  // Each data API answer states api-usage=N/1000; the last states what the
  // org has used, all calls so far.
  const std::vector<double> budgets = seen.budgets();
  ASSERT_FALSE(budgets.empty());
  EXPECT_EQ(budgets.back(), 1000.0 - static_cast<double>(sb->api_requests()));
  EXPECT_EQ(budgets.front(), 999.0);  // after the first query
  EXPECT_EQ(sf.api_used(), sb->api_requests());
}

TEST(ApiObserver, TransportFailuresAreReportedAsNoAnswer) {
  auto sb = testing::start_sf_sandbox();
  ManualClock clock(1700000000LL * 1000000);
  RecordingObserver seen;
  auto conn = connect_observed(*sb, clock, seen);
  ASSERT_NE(conn, nullptr);
  auto& sf = dynamic_cast<SalesforceConnection&>(*conn);
  ASSERT_TRUE(sf.call("GET", kQuery).ok());
  const size_t before = seen.statuses().size();
  sb->stop();
  EXPECT_FALSE(sf.call("GET", kQuery).ok());
  const std::vector<int> statuses = seen.statuses();
  // Three attempts (max_attempts), none answered.
  EXPECT_EQ((std::vector<int>(statuses.begin() + static_cast<long>(before), statuses.end())),
            (std::vector<int>{0, 0, 0}));
}

// Pipedrive states its daily token budget on writes (x-daily-requests-left);
// the burst window's x-ratelimit-remaining is pacing, not budget.
TEST(ApiObserver, SeesPipedrivesDailyTokenBudget) {
  sandbox::pipedrive::PipedriveSandboxOptions o;
  o.burst_limit = 0;
  o.search_burst_limit = 0;
  o.daily_budget = 1000;
  o.threads = 4;
  sandbox::pipedrive::PipedriveSandbox sb(o);
  ASSERT_TRUE(sb.start().ok());
  ManualClock clock(1700000000LL * 1000000);
  RecordingObserver seen;
  ConnectionConfig c;
  c.name = "pd";
  c.type = "pipedrive";
  c.options.values = Value(Object{{"api_token", Value("demo-token")},
                                  {"base_url", Value(sb.base_url())},
                                  {"search_burst_limit", Value(int64_t{0})}});
  ConnectorContext ctx{".", &clock};
  ctx.api_observer = &seen;
  auto conn = ConnectorRegistry::instance().create(c, ctx);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  std::vector<WriteItem> items;
  for (int i = 0; i < 3; ++i) {
    Record r(make_field_names({"name"}));
    r.value(0) = "P" + std::to_string(i);
    items.push_back({WriteOp::create, "", r});
  }
  auto res = (*conn)->write(WriteRequest{"person", "id", "", items});
  ASSERT_TRUE(res.ok()) << res.error().message;
  // Field definitions (20 tokens), then three POSTs of 5 tokens each.
  const std::vector<int> statuses = seen.statuses();
  ASSERT_EQ(statuses.size(), size_t(4));
  for (int s : statuses) EXPECT_EQ(s / 100, 2) << s;
  EXPECT_EQ(seen.budgets(), (std::vector<double>{975, 970, 965}));
  for (const std::string& name : seen.connections()) EXPECT_EQ(name, "pd");
}

class EngineApiMetrics : public testing::EngineFixture {};

TEST_F(EngineApiMetrics, SyncEngineReportsItsConnectionsAnswersToMetrics) {
  SalesforceSandboxOptions o;
  o.daily_api_limit = 5000;
  o.seed_records = 30;
  auto sb = testing::start_sf_sandbox(o);
  load(R"(
connections:
  copy: {type: sqlite, path: copy.db}
)" + testing::sf_connection_yaml(*sb) +
       R"(
flows:
  back:
    source: {connection: sf, object: Contact, batch_size: 10}
    target: {connection: copy, object: contacts, id_field: id}
    mapping:
      last: LastName
)");
  service::Metrics metrics;
  service::MetricsApiObserver observer(metrics);
  {
    SyncEngine engine(config, *store, clock, nullptr, &observer);
    auto r = engine.run({});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_GT(counts(*r, "back").read, 0);
  }
  const std::vector<int> logged = logged_statuses(*sb);
  ASSERT_FALSE(logged.empty());
  for (int s : logged) EXPECT_EQ(s / 100, 2) << s;
  const std::string out = metrics.render();
  EXPECT_NE(out.find("crmsync_api_requests_total{connection=\"sf\",status_class=\"2xx\"} " +
                     std::to_string(logged.size()) + "\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("crmsync_api_budget_remaining{connection=\"sf\"} " +
                     std::to_string(5000 - sb->api_requests()) + "\n"),
            std::string::npos)
      << out;
  // The SQLite side has no API.
  EXPECT_EQ(out.find("connection=\"copy\""), std::string::npos) << out;
}

}  // namespace
}  // namespace crmsync
