// `crmsync setup` registers the Pipedrive webhook subscriptions a config
// needs, exactly once (issue 19, "Done when"; n8n #1018 and #25381 created
// duplicates): the real binary against the Pipedrive sandbox, whose
// GET /v1/webhooks is the proof. A removed flow's subscription is deleted,
// drift is reported by --check and repaired by setup, and a subscription
// of another tool survives everything.
#include <gtest/gtest.h>

#include <algorithm>

#include "sandbox/pipedrive/pipedrive_sandbox.h"
#include "scenario/serve_webhooks/pipedrive_api.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace crmsync::testing {
namespace {

constexpr const char* kPublicUrl = "https://sync.example.com";
constexpr const char* kOurUrl = "https://sync.example.com/hooks/pd";
constexpr const char* kForeignUrl = "https://hooks.zapier.example/catch/42";

std::string flow(const std::string& name, const std::string& object) {
  return "  " + name + ":\n    source: {connection: pd, object: " + object +
         "}\n    target: {connection: wh, object: " + name +
         ", id_field: id}\n    match: {target_field: pd_id}\n    trigger: {webhook: true, "
         "schedule: every 5m}\n    mapping: {pd_id: id, title: " +
         (object == "deal" ? "title" : "name") + "}\n";
}

std::string registration_config(const std::string& pd_url, const std::string& password,
                                bool with_deals) {
  return std::string("version: 1\nserve:\n  public_url: ") + kPublicUrl +
         "/\nconnections:\n  pd:\n    type: pipedrive\n    base_url: " + pd_url +
         "\n    api_token: demo-token\n    webhooks:\n      scheme: pipedrive\n      password: " +
         password + "\n  wh: {type: sqlite, path: wh.db}\nflows:\n" + flow("people", "person") +
         (with_deals ? flow("deals", "deal") : "");
}

class Registration : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox::pipedrive::PipedriveSandboxOptions o;
    o.burst_limit = 0;
    o.search_burst_limit = 0;
    o.daily_budget = 0;
    sandbox_ = std::make_unique<sandbox::pipedrive::PipedriveSandbox>(o);
    ASSERT_TRUE(sandbox_->start().ok());
    api_ = std::make_unique<PipedriveApi>(sandbox_->base_url());
  }
  void write(const std::string& password, bool with_deals) {
    dir_.write("crmsync.yaml", registration_config(sandbox_->base_url(), password, with_deals));
  }
  CommandResult crmsync(const std::string& args) {
    return run_command("cd " + dir_.path().string() + " && " + CRMSYNC_BINARY + " " + args);
  }
  std::vector<Subscription> ours() {
    std::vector<Subscription> out;
    for (const Subscription& s : api_->subscriptions())
      if (s.url == kOurUrl) out.push_back(s);
    std::sort(out.begin(), out.end(),
              [](const Subscription& a, const Subscription& b) { return a.object < b.object; });
    return out;
  }
  int64_t foreign_ids() {
    int64_t n = 0;
    for (const Subscription& s : api_->subscriptions()) n += s.url == kForeignUrl;
    return n;
  }

  std::unique_ptr<sandbox::pipedrive::PipedriveSandbox> sandbox_;
  std::unique_ptr<PipedriveApi> api_;
  TempDir dir_;
};

TEST_F(Registration, SetupThreeTimesRegistersEachSubscriptionOnce) {
  ASSERT_GT(api_->subscribe(kForeignUrl, "person"), 0);
  write("hook-password-0123", true);
  for (int run = 1; run <= 3; ++run) {
    SCOPED_TRACE("setup run " + std::to_string(run));
    CommandResult r = crmsync("setup");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    if (run == 1) {
      EXPECT_NE(r.output.find("done: register deal webhook"), std::string::npos) << r.output;
      EXPECT_NE(r.output.find("done: register person webhook"), std::string::npos) << r.output;
    } else {
      EXPECT_NE(r.output.find("webhooks pd -> https://sync.example.com/hooks/pd: ready"),
                std::string::npos)
          << r.output;
    }
    std::vector<Subscription> subs = ours();
    ASSERT_EQ(subs.size(), 2u) << r.output;
    EXPECT_EQ(subs[0].object, "deal");
    EXPECT_EQ(subs[1].object, "person");
    for (const Subscription& s : subs) {
      EXPECT_EQ(s.action, "*");
      EXPECT_EQ(s.version, "2.0");
      EXPECT_EQ(s.user, "crmsync");
    }
    EXPECT_EQ(foreign_ids(), 1);
  }
  // Two creates in all: the second and third runs only listed.
  EXPECT_EQ(api_->requests("POST /v1/webhooks"), 3);  // ours twice, the foreign one once
  // The password is never printed.
  EXPECT_EQ(crmsync("setup --check").output.find("hook-password-0123"), std::string::npos);
}

TEST_F(Registration, ARemovedFlowsSubscriptionIsDeletedAndCheckChangesNothing) {
  write("hook-password-0123", true);
  ASSERT_EQ(crmsync("setup").exit_code, 0);
  ASSERT_GT(api_->subscribe(kForeignUrl, "deal"), 0);
  std::vector<Subscription> before = ours();
  ASSERT_EQ(before.size(), 2u);

  write("hook-password-0123", false);  // the deals flow is gone
  CommandResult check = crmsync("setup --check");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("to do: delete deal webhook " + std::to_string(before[0].id) +
                              " (no flow takes deal webhooks)"),
            std::string::npos)
      << check.output;
  EXPECT_EQ(ours().size(), 2u) << "--check changed something";

  CommandResult apply = crmsync("setup");
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  std::vector<Subscription> after = ours();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].object, "person");
  EXPECT_EQ(after[0].id, before[1].id);  // the person one was kept, not re-made
  EXPECT_EQ(foreign_ids(), 1);           // another tool's deal webhook survives
}

TEST_F(Registration, CheckReportsDriftAndSetupRepairsIt) {
  write("hook-password-0123", true);
  ASSERT_EQ(crmsync("setup").exit_code, 0);
  std::vector<Subscription> before = ours();
  ASSERT_EQ(before.size(), 2u);

  // Drift of three kinds: the password changed in the config, a duplicate
  // made by hand at our URL, and a deal webhook deleted in Pipedrive's UI.
  write("a-new-hook-password-456", true);
  int64_t duplicate = api_->subscribe(kOurUrl, "person", R"(,"http_auth_user":"crmsync")");
  ASSERT_GT(duplicate, 0);
  api_->call("DELETE", "/v1/webhooks/" + std::to_string(before[0].id));

  CommandResult check = crmsync("setup --check --json");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  auto json = parse_json(check.output);
  ASSERT_TRUE(json.ok()) << check.output;
  const Value* hooks = json->find("webhooks");
  ASSERT_TRUE(hooks && hooks->is_array() && hooks->as_array().size() == 1) << check.output;
  std::vector<std::string> lines;
  for (const Value& l : hooks->as_array()[0].find("to_change")->as_array())
    lines.push_back(l.as_string());
  std::string person = std::to_string(before[1].id);
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "register deal webhook", "register person webhook",
                       "delete person webhook " + person + " (http auth password changed)",
                       "delete person webhook " + std::to_string(duplicate) +
                           " (http auth password changed)"}))
      << check.output;
  EXPECT_EQ(ours().size(), 2u) << "--check changed something";

  ASSERT_EQ(crmsync("setup").exit_code, 0);
  std::vector<Subscription> after = ours();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].object, "deal");
  EXPECT_EQ(after[1].object, "person");
  EXPECT_GT(after[1].id, duplicate);  // made anew with the new password
  CommandResult again = crmsync("setup --check");
  EXPECT_NE(again.output.find("hooks/pd: ready"), std::string::npos) << again.output;
}

TEST_F(Registration, WithoutPublicUrlNothingIsRegistered) {
  dir_.write("crmsync.yaml", [&] {
    std::string c = registration_config(sandbox_->base_url(), "hook-password-0123", true);
    size_t at = c.find("serve:");
    size_t end = c.find("connections:");
    return c.erase(at, end - at);
  }());
  CommandResult r = crmsync("setup");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(api_->subscriptions().empty());
}

}  // namespace
}  // namespace crmsync::testing
