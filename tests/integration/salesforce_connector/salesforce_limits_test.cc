// The connector's daily API budget (max_daily_api_share of Sforce-Limit-Info's
// limit, 403 REQUEST_LIMIT_EXCEEDED) and its parallel collection writes
// against the sandbox.
#include <gtest/gtest.h>

#include <atomic>

#include "connectors/salesforce/salesforce_connection.h"
#include "core/json.h"
#include "net/http_client.h"
#include "net/url.h"
#include "sf_test_env.h"

namespace crmsync {
namespace {

using sandbox::salesforce::SalesforceSandboxOptions;

const std::string kQuery = "/query?q=" + net::url_encode("SELECT Id FROM User");

TEST(SalesforceBudget, StopsBeforeTheShareOfTheDailyLimitIsSpent) {
  SalesforceSandboxOptions o;
  o.daily_api_limit = 40;
  auto sb = testing::start_sf_sandbox(o);
  auto conn =
      testing::connect_sf(*sb, {{"max_daily_api_share", Value(Decimal::parse("0.5").value())}});
  auto& sf = dynamic_cast<SalesforceConnection&>(*conn);
  int ok = 0;
  Error stopped;
  for (int i = 0; i < 40; ++i) {
    auto res = sf.call("GET", kQuery);
    if (!res.ok()) {
      stopped = res.error();
      break;
    }
    ++ok;
  }
  // 0.5 of 40 allows 20 requests of the org's usage; the connector made
  // them all (usage started at 0) and refused the 21st without sending it.
  EXPECT_EQ(ok, 20);
  EXPECT_EQ(sb->api_requests(), 20);
  EXPECT_EQ(stopped.kind, ErrorKind::fatal);
  EXPECT_NE(stopped.message.find("budget reached"), std::string::npos) << stopped.message;
  EXPECT_NE(stopped.message.find("max_daily_api_share 0.5 of the org's daily API request limit 40"),
            std::string::npos)
      << stopped.message;
  EXPECT_NE(stopped.message.find("api-usage=20/40"), std::string::npos) << stopped.message;
  EXPECT_EQ(sf.api_used(), 20);
  EXPECT_EQ(sf.api_max(), 40);
}

TEST(SalesforceBudget, OtherIntegrationsUsageCountsAgainstTheShare) {
  SalesforceSandboxOptions o;
  o.daily_api_limit = 100;
  auto sb = testing::start_sf_sandbox(o);
  // Another integration used 45 of 100 today.
  auto other = testing::connect_sf(*sb);
  for (int i = 0; i < 45; ++i)
    ASSERT_TRUE(dynamic_cast<SalesforceConnection&>(*other).call("GET", kQuery).ok());
  auto conn =
      testing::connect_sf(*sb, {{"max_daily_api_share", Value(Decimal::parse("0.5").value())}});
  auto& sf = dynamic_cast<SalesforceConnection&>(*conn);
  int ok = 0;
  while (sf.call("GET", kQuery).ok() && ok < 100) ++ok;
  EXPECT_EQ(ok, 5);  // 46..50: the first answer told it the org's usage
  EXPECT_EQ(sb->api_requests(), 50);
}

TEST(SalesforceBudget, DailyLimitAnswerIsNotRetried) {
  SalesforceSandboxOptions o;
  o.daily_api_limit = 5;
  auto sb = testing::start_sf_sandbox(o);
  auto conn = testing::connect_sf(*sb);
  auto& sf = dynamic_cast<SalesforceConnection&>(*conn);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(sf.call("GET", kQuery).ok());
  auto res = sf.call("GET", kQuery);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::fatal);
  EXPECT_NE(res.error().message.find("budget reached"), std::string::npos);
  EXPECT_NE(res.error().message.find("REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded."),
            std::string::npos)
      << res.error().message;
  EXPECT_NE(res.error().message.find("api-usage=5/5"), std::string::npos) << res.error().message;
  // One 403 in the sandbox's log: the connector did not send it again.
  int refused = 0;
  {
    net::HttpClient http;
    net::HttpClientRequest req;
    req.url = sb->base_url() + "/__admin/requests";
    auto r = http.send(req);
    ASSERT_TRUE(r.ok());
    auto v = parse_json(r->body);
    ASSERT_TRUE(v.ok());
    for (const Value& e : v->as_array()) refused += e.find("status")->as_int() == 403;
  }
  EXPECT_EQ(refused, 1);
}

// A write of many chunks with max_parallel_requests: every record's result
// at its own index, all records there once.
TEST(SalesforceParallel, ChunksGoOutInParallelAndResultsKeepTheirOrder) {
  // Sessions do not expire here (AnExpiredSessionIsRenewedOnceForAllChunks
  // below is about that): with every session killed each second, a loaded
  // machine saw a chunk refused three times in a row, or spend its five
  // attempts on 401s and 503s, which says nothing about order.
  SalesforceSandboxOptions o = testing::sf_fault_options(0);
  o.faults.rate_503 = 0.05;
  o.faults.rate_429 = 0;
  o.faults.latency_ms = 20;
  o.daily_api_limit = 1'000'000;
  auto sb = testing::start_sf_sandbox(o);
  auto conn = testing::connect_sf(
      *sb, {{"max_parallel_requests", Value(int64_t{4})}, {"bulk_threshold", Value(int64_t{0})}});
  auto names = make_field_names({"LastName", "External_Id__c"});
  constexpr int kN = 2000;
  std::vector<WriteItem> items;
  for (int i = 0; i < kN; ++i) {
    Record r(names);
    // Every 97th record lacks its required LastName: rejected in place.
    r.value(0) = i % 97 == 5 ? Value() : Value("Last " + std::to_string(i));
    r.value(1) = "PAR-" + std::to_string(i);
    items.push_back({WriteOp::upsert, "", r});
  }
  auto started = std::chrono::steady_clock::now();
  auto res = conn->write(WriteRequest{"Contact", "Id", "External_Id__c", items});
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(res.ok()) << res.error().message;
  ASSERT_EQ(res->size(), size_t(kN));
  auto lock = sb->store().read_lock();
  const auto& def = *sb->store().schema().find("Contact");
  auto ext_of = [&](const std::string& id) -> std::string {
    const Record* row = sb->store().find(def, id);
    const Value* v = row ? row->get("External_Id__c") : nullptr;
    return v ? v->to_text() : "";
  };
  for (int i = 0; i < kN; ++i) {
    const WriteResult& w = (*res)[i];
    if (i % 97 == 5) {
      EXPECT_FALSE(w.ok) << i;
      continue;
    }
    ASSERT_TRUE(w.ok) << i << ": " << w.error.message;
    EXPECT_EQ(ext_of(w.target_id), "PAR-" + std::to_string(i)) << i;
  }
  // 10 chunks of 200 at 20 ms each: one after another they take 200 ms and
  // more; four at a time well under that.
  std::printf("10 chunks with 4 in parallel: %.3f s\n", secs);
}

int64_t endpoint_count(const std::string& base_url, const std::string& endpoint) {
  net::HttpClient http;
  net::HttpClientRequest req;
  req.url = base_url + "/__admin/counters";
  auto r = http.send(req);
  if (!r.ok()) return -1;
  auto v = parse_json(r->body);
  const Value* n = v.ok() ? v->find("endpoints") : nullptr;
  n = n ? n->find(endpoint) : nullptr;
  return n ? n->as_int() : 0;
}

// Every parallel chunk meets the expired session at once; one of them
// logs in again and the others resend with its token.
TEST(SalesforceParallel, AnExpiredSessionIsRenewedOnceForAllChunks) {
  std::atomic<int64_t> now{1'700'000'000LL * 1'000'000};
  SalesforceSandboxOptions o;
  o.clock = [&now] { return now.load(); };
  o.session_timeout_secs = 600;
  o.faults.latency_ms = 20;
  auto sb = testing::start_sf_sandbox(o);
  auto conn = testing::connect_sf(*sb, {{"max_parallel_requests", Value(int64_t{4})}});
  ASSERT_TRUE(conn->check().ok());
  EXPECT_EQ(endpoint_count(sb->base_url(), "oauth.token"), 1);
  now += 601LL * 1'000'000;  // the session is gone
  auto names = make_field_names({"LastName"});
  std::vector<WriteItem> items;
  for (int i = 0; i < 1600; ++i) {
    Record r(names);
    r.value(0) = "Renewed " + std::to_string(i);
    items.push_back({WriteOp::create, "", r});
  }
  auto res = conn->write(WriteRequest{"Contact", "Id", "", items});
  ASSERT_TRUE(res.ok()) << res.error().message;
  for (const WriteResult& w : *res) EXPECT_TRUE(w.ok) << w.error.message;
  EXPECT_EQ(endpoint_count(sb->base_url(), "oauth.token"), 2);
}

}  // namespace
}  // namespace crmsync
