// crmsync run against a flow another process runs, history of jobs, status.
#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "state/state_store.h"
#include "support/process.h"
#include "support/run_command.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync::testing {
namespace {

const char* kJobsCliConfig = R"(
connections:
  crm: {type: sqlite, path: source.db}
  dw: {type: sqlite, path: target.db}
state: {path: state.db}
flows:
  accounts:
    source: {connection: crm, object: accounts, id_field: id, cursor_field: updated_at}
    target: {connection: dw, object: accounts, id_field: id}
    match: {target_field: crm_id}
    trigger: {schedule: "0 5 * * *"}
    mapping:
      crm_id: id
      name: name
  contacts:
    source: {connection: crm, object: contacts, id_field: id}
    target: {connection: dw, object: contacts, id_field: id}
    match: {target_field: crm_id}
    mapping:
      crm_id: id
      email: email
)";

class JobsCli : public ::testing::Test {
 protected:
  TempDir dir;

  void SetUp() override {
    dir.write("crmsync.yaml", kJobsCliConfig);
    SqliteProbe src(dir.file("source.db"));
    src.exec(
        "create table accounts (id text primary key, name text, updated_at integer);"
        "create table contacts (id text primary key, email text);"
        "insert into accounts values ('A1', 'One', 1), ('A2', 'Two', 2);"
        "insert into contacts values ('K1', 'k1@example.com');");
  }

  std::string crmsync(const std::string& args) const {
    return "cd '" + dir.path().string() + "' && " + CRMSYNC_BINARY + " " + args;
  }

  std::unique_ptr<StateStore> store() const {
    auto s = open_sqlite_state_store(dir.file("state.db"));
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? std::move(*s) : nullptr;
  }

  long target_rows(const std::string& table) const {
    SqliteProbe dw(dir.file("target.db"));
    if (dw.count("select count(*) from sqlite_master where name = '" + table + "'") == 0) return 0;
    return dw.count("select count(*) from " + table);
  }
};

// This test process stands in for crmsync serve running `contacts`.
TEST_F(JobsCli, RunRefusesAFlowAnotherProcessRunsAndWaitsWhenAsked) {
  set_process_role("crmsync serve");
  auto serve = store();
  std::vector<std::string> contacts{"contacts"};
  int64_t serve_run = *serve->begin_run("schedule", 1700000000LL * 1000000);
  ASSERT_TRUE(serve->lock_flows(contacts, serve_run, 1700000000LL * 1000000)->empty());

  auto refused = run_command(crmsync("run --no-progress"));
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("flow contacts is running in crmsync serve pid " +
                                std::to_string(getpid())),
            std::string::npos)
      << refused.output;
  EXPECT_NE(
      refused.output.find("(run " + std::to_string(serve_run) + ", since 2023-11-14T22:13:20Z)"),
      std::string::npos)
      << refused.output;
  EXPECT_NE(refused.output.find("wait for it, or use `crmsync run --wait`"), std::string::npos);
  EXPECT_EQ(target_rows("accounts"), 0);  // nothing synced, not even the free flow
  // The other process's run is not taken for abandoned.
  EXPECT_EQ((*serve->run(serve_run))->status, RunStatus::running);

  auto gave_up = run_command(crmsync("run --no-progress --wait 1s"));
  EXPECT_EQ(gave_up.exit_code, 1) << gave_up.output;
  EXPECT_NE(gave_up.output.find("(waited 1 s)"), std::string::npos) << gave_up.output;

  // A free flow runs beside it.
  auto other_flow = run_command(crmsync("run --no-progress accounts"));
  EXPECT_EQ(other_flow.exit_code, 0) << other_flow.output;
  EXPECT_EQ(target_rows("accounts"), 2);

  // `--wait` before a flow name waits without limit; the lock is let go.
  std::string log = dir.file("wait.log");
  Process waiting({CRMSYNC_BINARY, "run", "--no-progress", "--wait", "contacts"},
                  dir.path().string(), log);
  ASSERT_TRUE(serve->end_run(serve_run, RunStatus::succeeded, "", 1700000001LL * 1000000).ok());
  ASSERT_TRUE(serve->unlock_flows(contacts).ok());
  EXPECT_EQ(waiting.wait(), 0);
  EXPECT_EQ(target_rows("contacts"), 1);

  auto bad = run_command(crmsync("run --wait=soon"));
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  set_process_role("crmsync");
}

TEST_F(JobsCli, HistoryShowsJobsAndFiltersByFlowAndStatus) {
  ASSERT_EQ(run_command(crmsync("run --no-progress")).exit_code, 0);
  auto s = store();
  RunRequest req;
  req.flows = {"accounts"};
  req.trigger = "api";
  int64_t queued = *s->queue_run(req, 1700000000LL * 1000000);
  RunRequest other;
  other.flows = {"contacts"};
  other.trigger = "schedule";
  int64_t cancelled = *s->queue_run(other, 1700000000LL * 1000000);
  ASSERT_TRUE(*s->request_cancel(cancelled, 1700000001LL * 1000000));

  auto all = run_command(crmsync("history"));
  EXPECT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find("queued 2023-11-14"), std::string::npos) << all.output;
  EXPECT_NE(all.output.find("cancelled"), std::string::npos) << all.output;
  EXPECT_NE(all.output.find("api"), std::string::npos) << all.output;

  auto accounts = run_command(crmsync("history --flow accounts --json"));
  ASSERT_EQ(accounts.exit_code, 0) << accounts.output;
  auto doc = parse_json(accounts.output);
  ASSERT_TRUE(doc.ok()) << accounts.output;
  ASSERT_EQ(doc->as_array().size(), 2u) << accounts.output;  // the queued job, the cli run
  EXPECT_EQ(doc->as_array()[0].find("run_id")->as_int(), queued);
  EXPECT_EQ(doc->as_array()[0].find("status")->as_string(), "queued");
  EXPECT_EQ(doc->as_array()[0].find("trigger")->as_string(), "api");
  EXPECT_TRUE(doc->as_array()[0].find("started_at")->is_null());
  EXPECT_EQ(doc->as_array()[1].find("trigger")->as_string(), "cli");

  auto only = run_command(crmsync("history --status cancelled --json"));
  doc = parse_json(only.output);
  ASSERT_TRUE(doc.ok()) << only.output;
  ASSERT_EQ(doc->as_array().size(), 1u) << only.output;
  EXPECT_EQ(doc->as_array()[0].find("run_id")->as_int(), cancelled);

  EXPECT_EQ(run_command(crmsync("history --status nope")).exit_code, 2);
  // --flow takes a value for watch too (it was refused as an unknown option).
  auto watch = run_command(crmsync("watch --flow accounts"));
  EXPECT_EQ(watch.output.find("unknown option"), std::string::npos) << watch.output;
  EXPECT_NE(watch.output.find("flow accounts has no `trigger: {cdc: true}`"), std::string::npos)
      << watch.output;
  EXPECT_EQ(run_command(crmsync("history --flow nope")).exit_code, 2);
}

TEST_F(JobsCli, StatusShowsTriggersLastRunsAndWhoRunsAFlowNow) {
  ASSERT_EQ(run_command(crmsync("run --no-progress")).exit_code, 0);
  set_process_role("crmsync serve");
  auto s = store();
  std::vector<std::string> accounts{"accounts"};
  ASSERT_TRUE(s->lock_flows(accounts, 42, 1700000000LL * 1000000)->empty());

  auto text = run_command(crmsync("status"));
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("0 5 * * *"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("manual"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("1 succeeded"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("flow accounts: running now in crmsync serve pid"), std::string::npos)
      << text.output;

  auto json = run_command(crmsync("status --json"));
  ASSERT_EQ(json.exit_code, 0) << json.output;
  auto doc = parse_json(json.output);
  ASSERT_TRUE(doc.ok()) << json.output;
  const Array& flows = doc->find("flows")->as_array();
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows[0].find("trigger")->find("text")->as_string(), "0 5 * * *");
  EXPECT_EQ(flows[0].find("last_run")->find("run_id")->as_int(), 1);
  EXPECT_EQ(flows[0].find("last_run")->find("status")->as_string(), "succeeded");
  EXPECT_FALSE(flows[0].find("last_success_at")->is_null());
  EXPECT_EQ(flows[0].find("running")->find("run_id")->as_int(), 42);
  EXPECT_EQ(flows[1].find("trigger")->find("text")->as_string(), "manual");
  EXPECT_TRUE(flows[1].find("running")->is_null());
  EXPECT_EQ(flows[1].find("open_errors")->as_int(), 0);
  set_process_role("crmsync");
}

}  // namespace
}  // namespace crmsync::testing
