// Runs as jobs in the engine (issue 18): queued runs, cooperative cancel at
// batch boundaries, flow locks between runs, expected counts.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "connectors/registry.h"
#include "support/engine_fixture.h"
#include "support/sqlite_probe.h"

namespace crmsync::testing {
namespace {

// accounts (cursor, 10 a batch) then contacts (a full scan with deletes).
const char* kJobsConfig = R"(
connections:
  crm: {type: sqlite, path: source.db}
  dw: {type: sqlite, path: target.db}
flows:
  accounts:
    source: {connection: crm, object: accounts, id_field: id, cursor_field: updated_at,
             batch_size: 10}
    target: {connection: dw, object: accounts, id_field: id}
    match: {target_field: crm_id}
    mapping:
      crm_id: id
      name: name
  contacts:
    source: {connection: crm, object: contacts, id_field: id, batch_size: 10}
    target: {connection: dw, object: contacts, id_field: id}
    match: {target_field: crm_id}
    on_delete: delete
    mapping:
      crm_id: id
      email: email
)";

// The source's own count of a table (a connector that can say, as the
// Salesforce and SQL connectors do), or a failing count.
class CountingSource final : public Connection {
 public:
  CountingSource(std::unique_ptr<Connection> inner, std::function<Result<int64_t>()> count)
      : inner_(std::move(inner)), count_(std::move(count)) {}
  Capabilities capabilities(std::string_view object) const override {
    return inner_->capabilities(object);
  }
  Status check() override { return inner_->check(); }
  Result<ObjectSchema> describe(std::string_view object) override {
    return inner_->describe(object);
  }
  Result<std::unique_ptr<RecordReader>> read(const ReadRequest& request) override {
    return inner_->read(request);
  }
  Result<std::vector<Record>> read_by_ids(std::string_view object, std::string_view id_field,
                                          std::span<const std::string> ids) override {
    return inner_->read_by_ids(object, id_field, ids);
  }
  Result<std::vector<Record>> search(std::string_view object, std::string_view id_field,
                                     std::string_view field,
                                     std::span<const Value> values) override {
    return inner_->search(object, id_field, field, values);
  }
  Result<std::vector<WriteResult>> write(const WriteRequest& request) override {
    return inner_->write(request);
  }
  Result<std::optional<int64_t>> count(const ReadRequest&) override {
    auto n = count_();
    if (!n) return n.error();
    return std::optional<int64_t>(*n);
  }

 private:
  std::unique_ptr<Connection> inner_;
  std::function<Result<int64_t>()> count_;
};

class Progress final : public ProgressListener {
 public:
  void flow_started(const std::string&) override {}
  void batch_done(const std::string& flow, const FlowCounts& c) override {
    if (first_expected.count(flow) == 0) first_expected[flow] = c.expected;
  }
  void flow_finished(const std::string&, const FlowCounts&, const std::string&) override {}
  std::map<std::string, int64_t> first_expected;
};

// A clock whose every sleep also calls `on_sleep` (another run letting go
// of its lock while this one waits).
class SleepHookClock final : public Clock {
 public:
  SleepHookClock(ManualClock& inner, std::function<void(int)> on_sleep)
      : inner_(inner), on_sleep_(std::move(on_sleep)) {}
  int64_t now_micros() override { return inner_.now_micros(); }
  void sleep_micros(int64_t micros) override {
    inner_.sleep_micros(micros);
    on_sleep_(++sleeps_);
  }
  bool wait_until(int64_t deadline_micros, ClockWakeup& wakeup) override {
    return inner_.wait_until(deadline_micros, wakeup);
  }

 private:
  ManualClock& inner_;
  std::function<void(int)> on_sleep_;
  int sleeps_ = 0;
};

class Jobs : public EngineFixture {
 protected:
  void SetUp() override {
    SqliteProbe src(dir.file("source.db"));
    src.exec(
        "create table accounts (id text primary key, name text, updated_at timestamp);"
        "create table contacts (id text primary key, email text);");
    std::string sql = "begin;";
    for (int i = 0; i < 50; ++i) {
      std::string n = std::to_string(10 + i);
      sql += "insert into accounts values ('A" + n + "', 'Account " + n +
             "', '2024-01-01T00:00:" + n + "Z');";
      sql += "insert into contacts values ('K" + n + "', 'k" + n + "@example.com');";
    }
    src.exec(sql + "commit;");
    load(kJobsConfig);
  }

  long target_rows(const std::string& table) {
    SqliteProbe dw(dir.file("target.db"));
    if (dw.count("select count(*) from sqlite_master where name = '" + table + "'") == 0) return 0;
    return dw.count("select count(*) from " + table);
  }

  // Another run of this process holds `flow` (a second store on the same
  // file, as crmsync serve's worker would).
  std::unique_ptr<StateStore> hold_lock(const std::string& flow, int64_t run_id) {
    auto other = open_sqlite_state_store(config.state.path);
    EXPECT_TRUE(other.ok());
    std::vector<std::string> flows{flow};
    EXPECT_TRUE((*other)->lock_flows(flows, run_id, clock.now_micros())->empty());
    return std::move(*other);
  }
};

TEST_F(Jobs, CancelStopsAtABatchBoundaryAndTheNextRunGoesOnFromThere) {
  RunOptions options;
  // True once two batches of accounts are committed (asked after each).
  options.cancelled = [&] { return target_rows("accounts") >= 20; };
  RunReport r = run(options);
  EXPECT_EQ(r.status, RunStatus::cancelled);
  EXPECT_EQ(counts(r, "accounts").read, 20);
  EXPECT_EQ(r.flows.count("contacts"), 0u);  // later flows do not start
  // No half batch: what was written is exactly what the id map knows.
  EXPECT_EQ(target_rows("accounts"), 20);
  EXPECT_EQ(*store->count_id_map("accounts"), 20);
  EXPECT_EQ((*store->cursor("accounts"))->id, "A29");
  auto stored = *store->run(r.run_id);
  EXPECT_EQ(stored->status, RunStatus::cancelled);
  EXPECT_EQ(stored->flows.at("accounts").read, 20);
  EXPECT_TRUE(store->flow_locks()->empty());  // released

  r = run();
  EXPECT_EQ(r.status, RunStatus::succeeded);
  // From the cursor on: the last committed record again (the cursor bound
  // is inclusive; unchanged, so skipped), then the 30 not reached.
  EXPECT_EQ(counts(r, "accounts").read, 31);
  EXPECT_EQ(counts(r, "accounts").skipped, 1);
  EXPECT_EQ(counts(r, "accounts").created, 30);
  EXPECT_EQ(counts(r, "contacts").created, 50);
  EXPECT_EQ(target_rows("accounts"), 50);
  EXPECT_EQ(target_rows("contacts"), 50);
}

// A full scan cut short has not seen every record: what it did not reach
// is not deleted.
TEST_F(Jobs, ACancelledFullScanDeletesNothing) {
  ASSERT_EQ(run().status, RunStatus::succeeded);
  SqliteProbe(dir.file("source.db")).exec("delete from contacts where id in ('K55', 'K56')");
  RunOptions options;
  options.flows = {"contacts"};
  options.allow_deletes = {"contacts"};  // not the mass-delete guard: the cancel holds them
  int asks = 0;
  options.cancelled = [&] { return ++asks > 2; };  // before the flow, after batch 1, then stop
  RunReport r = run(options);
  EXPECT_EQ(r.status, RunStatus::cancelled);
  EXPECT_EQ(counts(r, "contacts").read, 20);
  EXPECT_EQ(counts(r, "contacts").deleted, 0);
  EXPECT_EQ(target_rows("contacts"), 50);
  RunOptions again;
  again.flows = {"contacts"};
  r = run(again);
  EXPECT_EQ(counts(r, "contacts").deleted, 2);
  EXPECT_EQ(target_rows("contacts"), 48);
}

TEST_F(Jobs, AQueuedRunIsStartedAndFilled) {
  RunRequest req;
  req.flows = {"accounts"};
  req.trigger = "api";
  int64_t id = *store->queue_run(req, clock.now_micros());
  RunOptions options;
  options.flows = {"accounts"};
  options.run_id = id;
  RunReport r = run(options);
  EXPECT_EQ(r.run_id, id);
  EXPECT_EQ(r.status, RunStatus::succeeded);
  auto stored = *store->run(id);
  EXPECT_EQ(stored->status, RunStatus::succeeded);
  EXPECT_EQ(stored->trigger, "api");
  EXPECT_GT(stored->started_at, 0);
  EXPECT_NE(stored->owner, "");
  EXPECT_EQ(stored->flows.at("accounts").created, 50);
  EXPECT_EQ(store->runs(size_t{10})->size(), 1u);  // no second run was begun
}

TEST_F(Jobs, AQueuedRunCancelledBeforeItStartsDoesNothing) {
  int64_t id = *store->queue_run(RunRequest{}, clock.now_micros());
  ASSERT_TRUE(*store->request_cancel(id, clock.now_micros()));
  RunOptions options;
  options.run_id = id;
  RunReport r = run(options);
  EXPECT_EQ(r.status, RunStatus::cancelled);
  EXPECT_EQ(r.run_id, id);
  EXPECT_TRUE(r.flows.empty());
  EXPECT_EQ(target_rows("accounts"), 0);
  EXPECT_EQ((*store->run(id))->status, RunStatus::cancelled);
}

TEST_F(Jobs, AHeldFlowLockRefusesTheRunWithWhoHoldsIt) {
  auto other = hold_lock("contacts", 77);
  SyncEngine engine(config, *store, clock);
  auto r = engine.run(RunOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::fatal);
  const std::string& m = r.error().message;
  EXPECT_NE(m.find("flow contacts is running in crmsync"), std::string::npos) << m;
  EXPECT_NE(m.find("(run 77, since 2023-11-14T22:13:20Z)"), std::string::npos) << m;
  EXPECT_NE(m.find("wait for it, or use `crmsync run --wait`"), std::string::npos) << m;
  // Refused before anything was written: no run, no record, no lock kept.
  EXPECT_TRUE(store->runs(size_t{10})->empty());
  EXPECT_EQ(target_rows("accounts"), 0);
  auto locks = store->flow_locks();
  ASSERT_EQ(locks->size(), 1u);
  EXPECT_EQ((*locks)[0].flow, "contacts");

  // A bounded wait gives up with the same message.
  RunOptions wait;
  wait.lock_wait_micros = 2000000;
  int64_t before = clock.now_micros();
  r = engine.run(wait);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("(waited 2 s)"), std::string::npos) << r.error().message;
  EXPECT_EQ(clock.now_micros() - before, 2000000);

  // A queued run refused by a lock ends as failed, with the reason.
  int64_t id = *store->queue_run(RunRequest{}, clock.now_micros());
  RunOptions queued;
  queued.run_id = id;
  ASSERT_FALSE(engine.run(queued).ok());
  auto stored = *store->run(id);
  EXPECT_EQ(stored->status, RunStatus::failed);
  EXPECT_NE(stored->message.find("flow contacts is running in"), std::string::npos);
}

TEST_F(Jobs, ARunWaitsForAHeldLockOnTheClock) {
  auto other = hold_lock("accounts", 77);
  std::vector<std::string> accounts{"accounts"};
  SleepHookClock waiting(clock, [&](int sleeps) {
    if (sleeps == 3) {
      EXPECT_TRUE(other->unlock_flows(accounts).ok());
    }
  });
  SyncEngine engine(config, *store, waiting);
  RunOptions options;
  options.lock_wait_micros = -1;
  int64_t before = clock.now_micros();
  auto r = engine.run(options);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, RunStatus::succeeded);
  EXPECT_EQ(clock.now_micros() - before, 1500000);  // three polls, half a second apart
  EXPECT_EQ(target_rows("accounts"), 50);
  EXPECT_TRUE(store->flow_locks()->empty());
}

TEST_F(Jobs, ExpectedCountsComeFromTheSourceAndAFailedCountIsIgnored) {
  for (bool fails : {false, true}) {
    Progress progress;
    SyncEngine engine(config, *store, clock, &progress);
    auto inner = ConnectorRegistry::instance().create(*config.connection("crm"),
                                                      ConnectorContext{config.dir});
    ASSERT_TRUE(inner.ok());
    engine.use_connection(
        "crm", std::make_unique<CountingSource>(std::move(*inner), [&]() -> Result<int64_t> {
          if (fails) return Error(ErrorKind::retryable, "503");
          return int64_t{50};
        }));
    RunOptions options;
    options.flows = {"accounts"};
    options.full = true;
    options.count_expected = true;
    auto r = engine.run(options);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, RunStatus::succeeded);
    int64_t want = fails ? -1 : 50;
    EXPECT_EQ(r->flows.at("accounts").counts.expected, want);
    EXPECT_EQ((*store->run(r->run_id))->flows.at("accounts").expected, want);
    EXPECT_EQ(progress.first_expected.at("accounts"), want);
    EXPECT_EQ(r->flows.at("accounts").counts.read, 50);
  }
}

}  // namespace
}  // namespace crmsync::testing
