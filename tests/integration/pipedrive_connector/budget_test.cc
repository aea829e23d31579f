// max_daily_api_share against the sandbox's daily token budget (costs per
// endpoint as Pipedrive charges them): the connector stops before the share
// is spent, and a 429 for the daily budget stops at once instead of waiting.
#include "connector_fixture.h"

namespace crmsync::testing {
namespace {

std::vector<WriteItem> persons(int n) {
  auto names = make_field_names({"name"});
  std::vector<WriteItem> items;
  for (int i = 0; i < n; ++i) {
    Record r(names);
    r.value(0) = "P" + std::to_string(i);
    items.push_back({WriteOp::create, "", r});
  }
  return items;
}

int count_status(const Value& log, int status) {
  int n = 0;
  for (const Value& r : log.find("requests")->as_array())
    if (r.find("status")->as_int() == status) ++n;
  return n;
}

TEST_F(PipedriveConnectorTest, StopsBeforeSpendingMoreThanItsShareOfTheDailyBudget) {
  PipedriveSandboxOptions o;
  o.burst_limit = 0;
  o.search_burst_limit = 0;
  o.daily_budget = 100;
  start_with(o, Object{{"max_daily_api_share", Value(*Decimal::parse("0.5"))}});
  // Field definitions (20 tokens), then POSTs of 5: the first POST's
  // x-daily-requests-left (75) plus the 25 spent tell the budget is 100, so
  // the run may spend 50: the field read and six POSTs.
  auto items = persons(10);
  auto res = conn_->write(WriteRequest{"person", "id", "", items});
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::fatal);
  const std::string& m = res.error().message;
  EXPECT_NE(m.find("budget reached, try after reset"), std::string::npos) << m;
  EXPECT_NE(m.find("max_daily_api_share 0.5 of 100 daily tokens (left when the run started) "
                   "allows 50; this run spent 50"),
            std::string::npos)
      << m;
  EXPECT_EQ(m.find("demo-token"), std::string::npos) << m;
  Value log = admin("GET", "/__admin/requests?limit=100");
  EXPECT_EQ(count_status(log, 200), 7);  // nothing sent after the stop
  EXPECT_EQ(count_status(log, 429), 0);
}

TEST_F(PipedriveConnectorTest, DailyBudget429StopsAtOnceAndSaysSo) {
  PipedriveSandboxOptions o;
  o.burst_limit = 0;
  o.search_burst_limit = 0;
  o.daily_budget = 1000;
  start_with(o);
  auto first = persons(1);
  auto res = conn_->write(WriteRequest{"person", "id", "", first});
  ASSERT_TRUE(res.ok() && (*res)[0].ok);
  // Someone else spends the rest of the day's budget.
  admin("POST", "/__admin/limits", R"({"daily_budget":25})");
  auto more = persons(3);
  auto stopped = conn_->write(WriteRequest{"person", "id", "", more});
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().kind, ErrorKind::fatal);
  EXPECT_NE(stopped.error().message.find("budget reached, try after reset"), std::string::npos)
      << stopped.error().message;
  EXPECT_NE(stopped.error().message.find("daily token budget"), std::string::npos)
      << stopped.error().message;
  EXPECT_GT(stopped.error().retry_after_secs, 0);
  // One 429, not six attempts an hour apart.
  EXPECT_EQ(count_status(admin("GET", "/__admin/requests?limit=100"), 429), 1);
  Value counters = admin("GET", "/__admin/counters");
  EXPECT_EQ(*counters.find("refused")->find("daily"), Value(int64_t{1}));
}

TEST_F(PipedriveConnectorTest, BurstLimit429SaysBurstAfterItsAttempts) {
  PipedriveSandboxOptions o;
  o.search_burst_limit = 0;
  o.faults.rate_429 = 1.0;  // every request refused, Retry-After: 1
  sandbox_ = std::make_unique<PipedriveSandbox>(o);
  ASSERT_TRUE(sandbox_->start().ok());
  connect();
  auto one = persons(1);
  auto res = conn_->write(WriteRequest{"person", "id", "", one});
  // The field definitions cannot be read: the whole call fails, retryable.
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::retryable);
  EXPECT_NE(res.error().message.find("HTTP 429 (rate limit): burst limit (40 requests per 2 s)"),
            std::string::npos)
      << res.error().message;
  EXPECT_NE(res.error().message.find("after 5 attempts"), std::string::npos) << res.error().message;
  // max_attempts (default 5) is the total: five requests reached the server.
  EXPECT_EQ(count_status(admin("GET", "/__admin/requests?limit=100"), 429), 5);
}

}  // namespace
}  // namespace crmsync::testing
