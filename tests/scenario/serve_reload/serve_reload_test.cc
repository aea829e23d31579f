// SIGHUP while `crmsync serve` runs (issue 18, "Done when"): a Pipedrive
// API token regenerated on the Pipedrive side makes runs fail with auth
// until the new token is written into the YAML and serve is told to
// reload; the next run then uses it. A file that is not valid (a YAML
// error, or several validation errors) leaves the old config in force,
// every error is logged, and runs go on.
#include <gtest/gtest.h>

#include <sstream>

#include "core/json.h"
#include "net/http_client.h"
#include "sandbox/pipedrive/pipedrive_sandbox.h"
#include "support/pipedrive_people.h"
#include "support/run_command.h"
#include "support/serve_process.h"
#include "support/temp_dir.h"

namespace crmsync::testing {
namespace {

const char* kOldToken = "token-before-rotation-7f3a";
const char* kNewToken = "token-after-rotation-9c2e";

std::string config(const std::string& pipedrive_url, const std::string& token) {
  return R"(version: 1
connections:
  crm: {type: sqlite, path: source.db}
  pipedrive:
    type: pipedrive
    base_url: )" +
         pipedrive_url + R"(
    api_token: )" +
         token + R"(
flows:
  people:
    source: {connection: crm, object: people, id_field: id, cursor_field: updated_at}
    target: {connection: pipedrive, object: person}
    match: {target_field: Source ID}
    mapping:
      name: name
      email: email
      Source ID: id
)";
}

class ServeReload : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox::pipedrive::PipedriveSandboxOptions o;
    o.api_token = kOldToken;
    o.burst_limit = 100000;
    o.search_burst_limit = 100000;
    o.daily_budget = 0;
    sandbox_ = std::make_unique<sandbox::pipedrive::PipedriveSandbox>(o);
    ASSERT_TRUE(sandbox_->start().ok());
    pd_ = std::make_unique<PipedrivePeople>(sandbox_->base_url(), kOldToken);
    write_config(kOldToken);
    source_ = std::make_unique<PeopleSource>(dir_.file("source.db"));
    source_->add(20);
    CommandResult setup =
        run_command("cd " + dir_.path().string() + " && " + CRMSYNC_BINARY + " setup");
    ASSERT_EQ(setup.exit_code, 0) << setup.output;
    ServeProcess::Options so;
    so.dir = dir_.path().string();
    serve_ = std::make_unique<ServeProcess>(so);
    serve_->start_ready();
  }

  void write_config(const std::string& token) {
    dir_.write("crmsync.yaml", config(sandbox_->base_url(), token));
  }

  // SIGHUP; the log lines serve wrote about it: its outcome (`reload_ok`,
  // or `reload_failed` with the number of errors) and one `config_error`
  // line per error.
  std::vector<Value> reload() {
    size_t mark = serve_->events().size();
    serve_->signal(SIGHUP);
    auto outcome = serve_->wait_event(
        [](const Value& e) {
          std::string name = text_of(e, "event");
          return name == "reload_ok" || name == "reload_failed";
        },
        mark);
    EXPECT_TRUE(outcome.has_value()) << "no reload event; log:\n" << serve_->log_tail();
    if (outcome && text_of(*outcome, "event") == "reload_failed") {
      size_t errors = static_cast<size_t>(int_of(*outcome, "errors"));
      EXPECT_GT(errors, 0u) << to_json(*outcome);
      auto all_logged = serve_->wait_event(
          [&](const Value&) { return serve_->events_named("config_error", mark).size() >= errors; },
          mark);
      EXPECT_TRUE(all_logged.has_value()) << serve_->log_tail();
    }
    std::vector<Value> all = serve_->events();
    return std::vector<Value>(all.begin() + static_cast<std::ptrdiff_t>(mark), all.end());
  }

  // The outcome of a reload among its lines.
  static std::string outcome(const std::vector<Value>& lines) {
    for (const Value& l : lines) {
      std::string name = text_of(l, "event");
      if (name == "reload_ok" || name == "reload_failed") return name;
    }
    return "";
  }

  // A run of `people` through the API, to its end: its final status.
  std::string run_people() {
    int64_t id = serve_->submit({"people"});
    return text_of(serve_->wait_run_final(id), "status");
  }

  TempDir dir_;
  std::unique_ptr<sandbox::pipedrive::PipedriveSandbox> sandbox_;
  std::unique_ptr<PipedrivePeople> pd_;
  std::unique_ptr<PeopleSource> source_;
  std::unique_ptr<ServeProcess> serve_;
};

TEST_F(ServeReload, SighupRotatesTheApiTokenAndTheNextRunUsesIt) {
  ASSERT_EQ(run_people(), "succeeded");
  expect_exactly_once(source_->all(), pd_->by_custom_field("Source ID"), "first run");

  // The token is regenerated in Pipedrive: serve still has the old one.
  pd_->regenerate_token(kNewToken);
  source_->add(5);
  EXPECT_EQ(run_people(), "failed") << serve_->log_tail();
  EXPECT_EQ(pd_->by_custom_field("Source ID").size(), 20u);

  write_config(kNewToken);
  std::vector<Value> lines = reload();
  EXPECT_EQ(outcome(lines), "reload_ok");
  EXPECT_EQ(run_people(), "succeeded") << serve_->log_tail();
  expect_exactly_once(source_->all(), pd_->by_custom_field("Source ID"), "after the reload");

  // Neither token ever reached the log.
  std::string log = serve_->log_text();
  EXPECT_EQ(log.find(kOldToken), std::string::npos);
  EXPECT_EQ(log.find(kNewToken), std::string::npos);
}

TEST_F(ServeReload, AnInvalidFileKeepsTheOldConfigAndLogsEveryError) {
  ASSERT_EQ(run_people(), "succeeded");

  // A YAML syntax error.
  dir_.write("crmsync.yaml",
             config(sandbox_->base_url(), kOldToken) + "  broken: {name: [unclosed\n");
  std::vector<Value> lines = reload();
  EXPECT_EQ(outcome(lines), "reload_failed");
  std::string logged;
  for (const Value& l : lines) logged += to_json(l) + "\n";
  EXPECT_NE(logged.find("YAML syntax error"), std::string::npos) << logged;
  source_->add(3);
  EXPECT_EQ(run_people(), "succeeded") << serve_->log_tail();

  // Valid YAML with three errors: each is logged, the old config stays.
  dir_.write("crmsync.yaml", config(sandbox_->base_url(), kOldToken) + R"(  orphans:
    source: {connection: nowhere, object: people, id_field: id}
    target: {connection: pipedrive, object: person, batch_size: 0}
    trigger: {schedule: "every fortnight"}
    mapping:
      name: name
)");
  lines = reload();
  EXPECT_EQ(outcome(lines), "reload_failed");
  logged.clear();
  for (const Value& l : lines) logged += to_json(l) + "\n";
  for (const char* error : {"no connection named 'nowhere'", "flows.orphans.target.batch_size",
                            "flows.orphans.trigger.schedule"}) {
    EXPECT_NE(logged.find(error), std::string::npos) << error << " is not logged:\n" << logged;
  }
  source_->add(3);
  EXPECT_EQ(run_people(), "succeeded") << serve_->log_tail();
  // The old config's one flow: the API knows no `orphans`.
  ApiReply orphans = serve_->request("POST", "/api/v1/runs", R"({"flows":["orphans"]})");
  EXPECT_EQ(orphans.status, 400) << orphans.body;
  expect_exactly_once(source_->all(), pd_->by_custom_field("Source ID"), "after two bad reloads");
  EXPECT_EQ(serve_->log_text().find(kOldToken), std::string::npos);

  serve_->signal(SIGTERM);
  std::optional<int> exit = serve_->wait_exit(std::chrono::seconds(10));
  ASSERT_TRUE(exit.has_value()) << "serve did not stop within 10 s of SIGTERM";
  EXPECT_EQ(*exit, 0) << serve_->log_tail();
}

}  // namespace
}  // namespace crmsync::testing

namespace crmsync::testing {
namespace {

// Inside serve, an HTTP session's retry is a JSON log event like every
// other line (it was a plain text line on stderr).
TEST_F(ServeReload, RetriedAnswersAreJsonLogEvents) {
  net::HttpClient http;
  net::HttpClientRequest req;
  req.method = "POST";
  req.url = sandbox_->base_url() + "/__admin/faults";
  req.body = R"({"rate_503": 0.5})";
  req.headers.emplace("Content-Type", "application/json");
  auto set = http.send(req);
  ASSERT_TRUE(set.ok() && set->status == 200) << (set.ok() ? set->body : set.error().message);
  run_people();
  EXPECT_FALSE(serve_->events_named("http_retry").empty()) << serve_->log_tail();
  std::stringstream lines(serve_->log_text());
  std::string line;
  while (std::getline(lines, line)) {
    EXPECT_TRUE(parse_json(line).ok()) << "not one JSON object: " << line;
  }
}

}  // namespace
}  // namespace crmsync::testing
