// The Pipedrive sandbox delivers its webhooks to serve; the drainer syncs
// the named persons into a SQLite table as runs with trigger "webhook".
#include <gtest/gtest.h>

#include "core/json.h"
#include "webhook_harness.h"

namespace crmsync::testing {
namespace webhook_drain_test {

class WebhookDrain : public ::testing::Test {
 protected:
  void start(const std::string& filter = "") {
    h_ = std::make_unique<WebhookHarness>(service::WebhookLimits{}, filter);
    Value hook = pipedrive("POST", "/v1/webhooks",
                           R"({"subscription_url":")" + h_->url("/hooks/pd") +
                               R"(","event_action":"*","event_object":"person","version":"2.0",)"
                               R"("http_auth_user":"crmsync","http_auth_password":")" +
                               kHookPassword + R"("})");
    ASSERT_EQ(*hook.find("success"), Value(true)) << to_json(hook);
  }
  Value pipedrive(const std::string& method, const std::string& path, const std::string& body) {
    net::HttpClientRequest req;
    req.method = method;
    req.url = h_->sandbox().base_url() + path;
    req.headers.emplace("x-api-token", "demo-token");
    req.headers.emplace("Content-Type", "application/json");
    req.body = body;
    auto res = http_.send(req);
    EXPECT_TRUE(res.ok());
    auto v = res.ok() ? parse_json(res->body) : Result<Value>(Value());
    return v.ok() ? *v : Value();
  }
  std::string add_person(const std::string& name) {
    Value made = pipedrive("POST", "/v1/persons", R"({"name":")" + name + R"("})");
    const Value* data = made.find("data");
    return data && data->find("id") ? data->find("id")->to_text() : "";
  }
  // name of the synced person, "" while it is not there.
  std::string synced_name(const std::string& pd_id) {
    auto rows = h_->warehouse().rows("select name from persons where pd_id = '" + pd_id + "'");
    return rows.empty() ? "" : rows[0][0];
  }
  int64_t events_in(const std::string& state) {
    auto rows = h_->state().rows("select count(*) from inbox where state = '" + state + "'");
    return rows.empty() ? -1 : std::stoll(rows[0][0]);
  }

  std::unique_ptr<WebhookHarness> h_;
  net::HttpClient http_;
};

TEST_F(WebhookDrain, SandboxEditsArriveThroughTheInboxAsWebhookRuns) {
  start();
  std::string ann = add_person("Ann");
  std::string bob = add_person("Bob");
  ASSERT_FALSE(ann.empty());
  ASSERT_TRUE(eventually([&] { return synced_name(ann) == "Ann" && synced_name(bob) == "Bob"; }))
      << h_->log().text();
  pipedrive("PATCH", "/api/v2/persons/" + ann, R"({"name":"Ann Smith"})");
  ASSERT_TRUE(eventually([&] { return synced_name(ann) == "Ann Smith"; })) << h_->log().text();
  ASSERT_TRUE(eventually([&] { return events_in("pending") == 0 && events_in("done") == 3; }))
      << h_->log().text();
  // Each drained batch is a run with trigger "webhook", in history.
  RunFilter f;
  f.flow = "";
  auto runs = h_->store().runs(f);
  ASSERT_TRUE(runs);
  int webhook_runs = 0;
  for (const RunInfo& r : *runs) {
    if (r.trigger == "webhook") {
      ++webhook_runs;
      EXPECT_EQ(r.status, RunStatus::succeeded);
    }
  }
  EXPECT_GE(webhook_runs, 1);
  auto rows = h_->state().rows("select distinct run_id from inbox where run_id = 0");
  EXPECT_TRUE(rows.empty());  // every drained event names its run
}

TEST_F(WebhookDrain, RecordsOutsideTheFilterAreSkippedAndCounted) {
  start("name LIKE 'A%'");
  std::string ann = add_person("Ann");
  std::string bob = add_person("Bob");
  ASSERT_TRUE(eventually([&] { return events_in("done") == 1 && events_in("skipped") == 1; }))
      << h_->log().text();
  EXPECT_EQ(synced_name(ann), "Ann");
  EXPECT_EQ(synced_name(bob), "");
}

}  // namespace webhook_drain_test
}  // namespace crmsync::testing
