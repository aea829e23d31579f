// /healthz, /readyz and /metrics: open (no token), and what they answer.
#include "api_harness.h"

namespace crmsync::testing {
namespace {

TEST(ApiHealth, HealthzAnswersOkWhileTheProcessLives) {
  ApiHarness api;
  auto res = api.call("GET", "/healthz", "", "");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Content-Type").value_or(""), "application/json; charset=utf-8");
  EXPECT_EQ(at(ApiHarness::json(res), "status"), Value("ok"));
}

TEST(ApiHealth, ReadyzFollowsTheServiceWithTheReason) {
  ApiHarness api;
  auto ready = api.call("GET", "/readyz", "", "");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(at(ApiHarness::json(ready), "status"), Value("ready"));

  api.control().set_readiness(false, "scheduler idle for 74 s");
  auto not_ready = api.call("GET", "/readyz", "", "");
  EXPECT_EQ(not_ready.status, 503);
  Value v = ApiHarness::json(not_ready);
  EXPECT_EQ(at(v, "status"), Value("not ready"));
  EXPECT_EQ(at(v, "reason"), Value("scheduler idle for 74 s"));
}

TEST(ApiHealth, MetricsAreThePrometheusTextOfTheServiceMetrics) {
  ApiHarness api;
  FlowCounts c;
  c.created = 3;
  api.metrics().add_records("customers", c);
  auto res = api.call("GET", "/metrics", "", "");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Content-Type").value_or(""), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(res.body.find("crmsync_records_total{"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("customers"), std::string::npos);
  EXPECT_EQ(res.body.find(kToken), std::string::npos);
}

}  // namespace
}  // namespace crmsync::testing
