#include "sandbox_fixture.h"

namespace crmsync::sandbox::pipedrive::testing {
namespace {

class PipedriveLimits : public SandboxTest {};

TEST_F(PipedriveLimits, BurstWindowAnswers429WithHeaders) {
  auto o = default_options();
  o.burst_limit = 5;
  start(o);
  for (int i = 0; i < 5; ++i) {
    auto a = call("GET", "/api/v2/persons");
    ASSERT_EQ(a.status, 200);
    EXPECT_EQ(a.response.header("x-ratelimit-limit"), "5");
    EXPECT_EQ(a.response.header("x-ratelimit-remaining"), std::to_string(4 - i));
  }
  auto limited = call("GET", "/api/v2/persons");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited["success"], Value(false));
  EXPECT_EQ(limited.response.header("x-ratelimit-remaining"), "0");
  auto reset = limited.response.header("x-ratelimit-reset");
  ASSERT_TRUE(reset.has_value());
  EXPECT_GE(std::stoi(*reset), 1);
  EXPECT_LE(std::stoi(*reset), 2);
  // Admin endpoints are never limited.
  EXPECT_EQ(call("GET", "/__admin/counters").status, 200);
}

TEST_F(PipedriveLimits, DailyBudgetCountsEndpointCosts) {
  auto o = default_options();
  o.daily_budget = 12;  // a v2 list costs 10, a POST 5
  start(o);
  auto created = call("POST", "/api/v2/persons", R"({"name":"A"})");
  EXPECT_EQ(created.response.header("x-daily-requests-left"), "7");
  EXPECT_EQ(call("GET", "/api/v2/persons").status, 429);
  EXPECT_EQ(call("GET", "/api/v2/persons/1").status, 200);  // costs 1
}

TEST_F(PipedriveLimits, InjectedFaultsAndRequestLog) {
  start();
  auto set = call("POST", "/__admin/faults", R"({"rate_503":1})");
  ASSERT_EQ(set.status, 200);
  auto failed = call("GET", "/api/v2/persons");
  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(failed["success"], Value(false));
  EXPECT_EQ(call("POST", "/__admin/faults", R"({"rate_503":2})").status, 400);

  call("POST", "/__admin/faults", R"({"reset_rate":1})");
  net::HttpClientRequest req;
  req.url = sandbox_->base_url() + "/api/v2/persons";
  req.headers.emplace("x-api-token", "demo-token");
  auto reset = client_.send(req);
  ASSERT_FALSE(reset.ok());
  EXPECT_EQ(reset.error().kind, ErrorKind::retryable);

  call("POST", "/__admin/faults", R"({})");
  EXPECT_EQ(call("GET", "/api/v2/persons").status, 200);
  auto counters = call("GET", "/__admin/counters");
  EXPECT_EQ(*counters.json.find("GET /api/v2/persons"), Value(4));
  auto log = call("GET", "/__admin/requests?limit=3");
  EXPECT_EQ(log["requests"].as_array().size(), 3u);
  EXPECT_EQ(log.response.body.find("demo-token"), std::string::npos);  // never logs tokens
}

TEST_F(PipedriveLimits, AdminEditsAsAUserWithoutToken) {
  start();
  auto created = call("POST", "/__admin/persons", R"({"name":"From the UI"})", "");
  ASSERT_EQ(created.status, 200);
  EXPECT_EQ(call("PATCH", "/__admin/persons/1", R"({"name":"Edited"})", "").status, 200);
  EXPECT_EQ(*call("GET", "/api/v2/persons/1")["data"].find("name"), Value("Edited"));
}

// Regenerating the API token (admin): the new one works at once, the old
// one gets 401 from then on; a reset brings the configured one back.
TEST_F(PipedriveLimits, RegeneratedApiTokenRefusesTheOldOne) {
  start();
  EXPECT_EQ(call("GET", "/api/v2/persons").status, 200);
  auto changed = call("POST", "/__admin/api_token", R"({"api_token":"new-token"})", "");
  EXPECT_EQ(changed.status, 200) << changed.response.body;
  EXPECT_EQ(call("GET", "/api/v2/persons").status, 401);
  EXPECT_EQ(call("GET", "/api/v2/persons", "", "new-token").status, 200);
  EXPECT_EQ(call("POST", "/__admin/api_token", R"({"api_token":""})", "").status, 400);
  EXPECT_EQ(call("POST", "/__admin/reset", "", "").status, 200);
  EXPECT_EQ(call("GET", "/api/v2/persons").status, 200);
  EXPECT_EQ(call("GET", "/api/v2/persons", "", "new-token").status, 401);
}

}  // namespace
}  // namespace crmsync::sandbox::pipedrive::testing
