// /healthz, /readyz and /metrics of the real service: open (no token), and
// what they answer.
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

TEST(ApiHealth, ReadyzIs503WithTheReasonWhenTheStoreCannotBeWritten) {
  ApiHarness api;
  auto ready = api.call("GET", "/readyz", "", "");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(at(ApiHarness::json(ready), "status"), Value("ready"));

  // Another process holds the state store's write lock; the store check is
  // due again once the clock moved past its interval.
  SqliteProbe holder(api.state_path());
  holder.exec("BEGIN EXCLUSIVE");
  api.clock().set_micros(api.clock().now_micros() + 6'000'000);
  auto not_ready = api.call("GET", "/readyz", "", "");
  holder.exec("ROLLBACK");
  EXPECT_EQ(not_ready.status, 503) << not_ready.body;
  Value v = ApiHarness::json(not_ready);
  EXPECT_EQ(at(v, "status"), Value("not ready"));
  EXPECT_NE(at(v, "reason").to_text().find("state store"), std::string::npos) << not_ready.body;
}

TEST(ApiHealth, MetricsAreThePrometheusTextOfTheService) {
  ApiHarness api;
  int64_t id = api.submit(R"({"flows": ["orders"]})");
  EXPECT_EQ(api.wait_final(id), "succeeded");
  auto res = api.call("GET", "/metrics", "", "");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Content-Type").value_or(""), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(res.body.find("crmsync_runs_total{"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("orders"), std::string::npos);
  EXPECT_EQ(res.body.find(kToken), std::string::npos);
}

}  // namespace
}  // namespace crmsync::testing
