// `crmsync watch` under the CLI: the engine's watch loop with Salesforce CDC
// as the trigger and a SQLite target. A REST update made in the sandbox
// reaches the target within seconds; a delete gets the flow's delete policy;
// a restart resumes from the stored stream position.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "sandbox/salesforce/salesforce_sandbox.h"
#include "sf_test_env.h"
#include "support/engine_fixture.h"
#include "support/eventually.h"
#include "support/sqlite_probe.h"

namespace crmsync {
namespace {

using sandbox::salesforce::SalesforceSandboxOptions;
using namespace std::chrono_literals;

class SalesforceWatch : public testing::EngineFixture {
 protected:
  std::atomic<bool> stop{false};
  std::thread watcher;
  Status result;
  std::mutex log_mutex;
  std::vector<std::string> log;

  void start_watch() {
    stop = false;
    watcher = std::thread([this] {
      SyncEngine engine(config, *store, clock);
      WatchOptions o;
      o.poll_timeout = 500ms;
      o.log = [this](const std::string& line) {
        std::lock_guard lock(log_mutex);
        log.push_back(line);
      };
      result = engine.watch(o, stop);
    });
  }
  void stop_watch() {
    stop = true;
    watcher.join();
    EXPECT_TRUE(result.ok()) << result.error().message;
  }
  size_t lines_with(const std::string& text) {
    std::lock_guard lock(log_mutex);
    size_t n = 0;
    for (const std::string& l : log) n += l.find(text) != std::string::npos;
    return n;
  }
  // Polls `sql` on the target until it counts `want`; how long that took.
  std::chrono::milliseconds wait_for(const std::string& sql, int64_t want,
                                     std::chrono::seconds limit = 10s) {
    auto t0 = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - t0 < limit) {
      {
        testing::SqliteProbe copy(dir.file("copy.db"));
        if (copy.count("select count(*) from sqlite_master where name = 'contacts'") == 1 &&
            copy.count(sql) == want)
          break;
      }
      std::this_thread::sleep_for(50ms);
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 t0);
  }
};

void write_contact(Connection& conn, WriteOp op, const std::string& id, const std::string& last,
                   std::string* created = nullptr) {
  Record r(make_field_names({"LastName"}));
  r.value(0) = last;
  std::vector<WriteItem> items{{op, id, r}};
  auto res = conn.write(WriteRequest{"Contact", "Id", "", items});
  ASSERT_TRUE(res.ok() && (*res)[0].ok)
      << (res.ok() ? (*res)[0].error.message : res.error().message);
  if (created) *created = (*res)[0].target_id;
}

TEST_F(SalesforceWatch, ARestUpdateReachesSqliteWithinSecondsAndARestartResumes) {
  SalesforceSandboxOptions o;
  o.cometd_timeout_ms = 2000;
  auto sb = testing::start_sf_sandbox(o);
  auto conn = testing::connect_sf(*sb);
  std::string a, b;
  write_contact(*conn, WriteOp::create, "", "Alpha", &a);
  write_contact(*conn, WriteOp::create, "", "Beta", &b);
  load(R"(
connections:
  copy: {type: sqlite, path: copy.db}
)" + testing::sf_connection_yaml(*sb) +
       R"(
flows:
  back:
    source: {connection: sf, object: Contact}
    target: {connection: copy, object: contacts, id_field: id}
    on_delete: delete
    trigger: {cdc: true}
    mapping:
      last: LastName
)");
  start_watch();
  // The catch-up run copies what exists.
  EXPECT_LT(wait_for("select count(*) from contacts", 2), 10s);
  auto t_run = std::chrono::steady_clock::now();
  while (lines_with("cursor run") == 0 && std::chrono::steady_clock::now() - t_run < 10s)
    std::this_thread::sleep_for(20ms);
  ASSERT_EQ(lines_with("cursor run"), 1u);

  write_contact(*conn, WriteOp::update, a, "Alpha 2");
  auto took = wait_for("select count(*) from contacts where last = 'Alpha 2'", 1, 5s);
  EXPECT_LT(took, 5s);
  std::printf("a REST update reached the SQLite target in %lld ms\n",
              static_cast<long long>(took.count()));
  write_contact(*conn, WriteOp::remove, b, "");
  EXPECT_LT(wait_for("select count(*) from contacts", 1, 5s), 5s);
  stop_watch();
  EXPECT_GE(lines_with(" changes -> "), 1u);
  auto stored = store->stream_position("back");
  ASSERT_TRUE(stored.ok());
  ASSERT_FALSE(stored->empty());

  // Changes while nothing watches arrive as hints after the restart: the
  // subscription resumed from the stored position (from "now" it would not
  // see them; the catch-up run syncs them as well, so the hints find them
  // unchanged).
  std::string c;
  write_contact(*conn, WriteOp::create, "", "Gamma", &c);
  write_contact(*conn, WriteOp::update, a, "Alpha 3");
  size_t batches_before = lines_with(" changes -> ");
  start_watch();
  auto t0 = std::chrono::steady_clock::now();
  while (lines_with(" changes -> ") == batches_before &&
         std::chrono::steady_clock::now() - t0 < 10s)
    std::this_thread::sleep_for(50ms);
  EXPECT_GT(lines_with(" changes -> "), batches_before);
  EXPECT_LT(wait_for("select count(*) from contacts where last in ('Alpha 3', 'Gamma')", 2), 10s);
  stop_watch();
  testing::SqliteProbe copy(dir.file("copy.db"));
  EXPECT_EQ(copy.count("select count(*) from contacts"), 2);
  EXPECT_EQ(copy.count("select count(*) from contacts where last in ('Alpha 3', 'Gamma')"), 2);
  EXPECT_NE(*store->stream_position("back"), *stored);
}

// One run of a flow at a time: changes that arrive while another run (a
// scheduled run in crmsync serve, a crmsync run) holds the flow wait for it.
TEST_F(SalesforceWatch, ChangesWaitForARunThatHoldsTheFlow) {
  SalesforceSandboxOptions o;
  o.cometd_timeout_ms = 2000;
  auto sb = testing::start_sf_sandbox(o);
  auto conn = testing::connect_sf(*sb);
  std::string a;
  write_contact(*conn, WriteOp::create, "", "Alpha", &a);
  load(R"(
connections:
  copy: {type: sqlite, path: copy.db}
)" + testing::sf_connection_yaml(*sb) +
       R"(
flows:
  back:
    source: {connection: sf, object: Contact}
    target: {connection: copy, object: contacts, id_field: id}
    trigger: {cdc: true}
    mapping:
      last: LastName
)");
  start_watch();
  EXPECT_TRUE(testing::eventually([&] { return lines_with("cursor run") > 0; }));
  ASSERT_EQ(lines_with("cursor run"), 1u);

  auto other = open_sqlite_state_store(config.state.path);
  ASSERT_TRUE(other.ok());
  std::vector<std::string> back{"back"};
  ASSERT_TRUE((*other)->lock_flows(back, 999, clock.now_micros())->empty());
  write_contact(*conn, WriteOp::update, a, "Alpha 2");
  EXPECT_TRUE(testing::eventually([&] { return lines_with("its changes wait") > 0; }));
  ASSERT_EQ(lines_with("its changes wait"), 1u);
  {
    testing::SqliteProbe copy(dir.file("copy.db"));
    EXPECT_EQ(copy.count("select count(*) from contacts where last = 'Alpha 2'"), 0);
  }
  ASSERT_TRUE((*other)->unlock_flows(back).ok());
  EXPECT_LT(wait_for("select count(*) from contacts where last = 'Alpha 2'", 1, 5s), 5s);
  stop_watch();
  EXPECT_TRUE(store->flow_locks()->empty());
}

TEST_F(SalesforceWatch, FlowsWithoutACdcTriggerAreRefused) {
  auto sb = testing::start_sf_sandbox();
  load(R"(
connections:
  copy: {type: sqlite, path: copy.db}
)" + testing::sf_connection_yaml(*sb) +
       R"(
flows:
  back:
    source: {connection: sf, object: Contact}
    target: {connection: copy, object: contacts, id_field: id}
    mapping:
      last: LastName
)");
  SyncEngine engine(config, *store, clock);
  std::atomic<bool> never{false};
  Status all = engine.watch(WatchOptions{}, never);
  ASSERT_FALSE(all.ok());
  EXPECT_NE(all.error().message.find("trigger"), std::string::npos);
  WatchOptions named;
  named.flows = {"back"};
  Status one = engine.watch(named, never);
  ASSERT_FALSE(one.ok());
  EXPECT_NE(one.error().message.find("flow back"), std::string::npos);
}

// The stream cut off (the sandbox resets every Streaming API request) for
// longer than one retry: the watch keeps trying to subscribe again (it
// polled a subscription that was never made: a null dereference) and, once
// the stream is back, hears the change made meanwhile, replayed from the
// stored position.
TEST_F(SalesforceWatch, AStreamCutOffForLongerThanARetryIsResubscribedAndHeardAfter) {
  SalesforceSandboxOptions o;
  o.cometd_timeout_ms = 2000;
  auto sb = testing::start_sf_sandbox(o);
  auto conn = testing::connect_sf(*sb);
  std::string a;
  write_contact(*conn, WriteOp::create, "", "Alpha", &a);
  load(R"(
connections:
  copy: {type: sqlite, path: copy.db}
)" + testing::sf_connection_yaml(*sb) +
       R"(
flows:
  back:
    source: {connection: sf, object: Contact}
    target: {connection: copy, object: contacts, id_field: id}
    trigger: {cdc: true}
    mapping:
      last: LastName
)");
  start_watch();
  EXPECT_LT(wait_for("select count(*) from contacts", 1), 10s);
  // A change heard through the stream: its position is stored.
  write_contact(*conn, WriteOp::update, a, "Alpha heard");
  EXPECT_LT(wait_for("select count(*) from contacts where last = 'Alpha heard'", 1, 10s), 10s);

  sandbox::salesforce::FaultOptions down;
  down.streaming_down = true;
  sb->set_faults(down);
  // Two failed rounds: the second comes after a subscribe that failed.
  EXPECT_TRUE(
      testing::eventually([&] { return lines_with("change stream unavailable") >= 2; }, 30s));
  ASSERT_GE(lines_with("change stream unavailable"), 2u);
  write_contact(*conn, WriteOp::update, a, "Alpha while cut");

  sb->set_faults(sandbox::salesforce::FaultOptions{});
  EXPECT_LT(wait_for("select count(*) from contacts where last = 'Alpha while cut'", 1, 30s), 30s);
  stop_watch();
}

}  // namespace
}  // namespace crmsync
