// What only the PostgreSQL state store has to show: several processes
// starting at once on one database, races between processes, a server
// that is not there, and `crmsync` itself on a postgres state block.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <fstream>
#include <iterator>
#include <thread>

#include "core/redact.h"
#include "state/state_store.h"
#include "support/run_command.h"
#include "support/sql_test_server.h"
#include "support/temp_dir.h"

namespace crmsync::testing {

std::string pg_state_url(const SqlServerInfo& server, const std::string& database);

namespace {

// Four workers opening a fresh database at the same moment: each one's
// open succeeds and the schema is migrated exactly once.
TEST(PostgresState, WorkersStartingAtOnceMigrateOnce) {
  const SqlServerInfo& server = test_server("postgres");
  for (int round = 0; round < 3; ++round) {
    std::string db = server.create_database();
    std::string url = pg_state_url(server, db);
    constexpr int kWorkers = 4;
    std::barrier start(kWorkers);
    std::vector<std::string> errors(kWorkers);
    std::vector<std::thread> workers;
    for (int w = 0; w < kWorkers; ++w) {
      workers.emplace_back([&, w] {
        start.arrive_and_wait();
        auto s = open_postgres_state_store(url);
        if (!s) errors[w] = s.error().message;
      });
    }
    for (auto& t : workers) t.join();
    for (const std::string& e : errors) EXPECT_EQ(e, "");
    EXPECT_EQ(server.scalar(db, "select count(*) from schema_migrations;"), "1");
    EXPECT_EQ(server.scalar(db, "select string_agg(version::text, ',') from schema_migrations;"),
              "1");
  }
}

// Two runs (on two sessions) asking for the same free flow at once: one
// gets it, the other is told who holds it. Without one lock around the
// read and the write, both would find it free.
TEST(PostgresState, OfTwoSessionsTakingOneFreeFlowOneWins) {
  const SqlServerInfo& server = test_server("postgres");
  std::string url = pg_state_url(server, server.create_database());
  auto a = open_postgres_state_store(url);
  auto b = open_postgres_state_store(url);
  ASSERT_TRUE(a.ok() && b.ok());
  StateStore* stores[2] = {a->get(), b->get()};
  constexpr int kRounds = 40;
  std::barrier start(2);
  std::atomic<int> both = 0, none = 0;
  std::vector<std::atomic<int>> won(kRounds);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        std::vector<std::string> flows{"flow" + std::to_string(round)};
        start.arrive_and_wait();
        auto held = stores[t]->lock_flows(flows, 100 * (t + 1) + round, round);
        ASSERT_TRUE(held.ok()) << held.error().message;
        if (held->empty()) ++won[round];
        start.arrive_and_wait();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int round = 0; round < kRounds; ++round) {
    if (won[round] == 2) ++both;
    if (won[round] == 0) ++none;
  }
  EXPECT_EQ(both, 0) << "rounds where both sessions took the same flow";
  EXPECT_EQ(none, 0) << "rounds where neither did";
}

const char* kSecretPassword = "Sup3r-Secret-State-Pw";

// Nothing listens on the port: the error names the host and the port, and
// never the password.
TEST(PostgresState, AnUnreachableServerIsNamedWithoutItsPassword) {
  int port = free_loopback_port();
  auto s = open_postgres_state_store("postgresql://crmsync:" + std::string(kSecretPassword) +
                                     "@127.0.0.1:" + std::to_string(port) + "/state");
  ASSERT_FALSE(s.ok());
  const std::string& m = s.error().message;
  EXPECT_EQ(s.error().kind, ErrorKind::fatal);
  EXPECT_NE(m.find("state store postgres://crmsync@127.0.0.1:" + std::to_string(port) + "/state"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("connecting"), std::string::npos) << m;
  EXPECT_EQ(m.find(kSecretPassword), std::string::npos) << m;
}

// The server is there, the password is wrong: said so, without either password.
TEST(PostgresState, AWrongPasswordIsRefusedWithoutEchoingIt) {
  const SqlServerInfo& server = test_server("postgres");
  std::string url = "postgresql://crmsync:" + std::string(kSecretPassword) +
                    "-wrong@127.0.0.1:" + std::to_string(server.port) + "/postgres";
  auto s = open_postgres_state_store(url);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("password authentication failed"), std::string::npos)
      << s.error().message;
  EXPECT_EQ(s.error().message.find(kSecretPassword), std::string::npos) << s.error().message;
}

// The binary on `state: {type: postgres, url: ${CRMSYNC_STATE_URL}}`: with
// the server down it exits 3 naming the host; with it up, it runs there.
TEST(PostgresState, CrmsyncExitsThreeOnAnUnreachableStateAndRunsOnAReachableOne) {
  TempDir d;
  std::string cd = "cd '" + d.path().string() + "' && ";
  ASSERT_EQ(run_command(cd + CRMSYNC_BINARY + " init").exit_code, 0);
  // init's project, its state moved to PostgreSQL.
  std::string config;
  {
    std::ifstream in(d.file("crmsync.yaml"));
    config.assign(std::istreambuf_iterator<char>(in), {});
  }
  size_t at = config.find("  path: crmsync.state.db");
  ASSERT_NE(at, std::string::npos) << config;
  config.replace(at, config.find('\n', at) - at, "  type: postgres\n  url: ${CRMSYNC_STATE_URL}");
  std::ofstream(d.file("crmsync.yaml")) << config;

  int port = free_loopback_port();
  std::string down = "postgresql://crmsync:" + std::string(kSecretPassword) +
                     "@127.0.0.1:" + std::to_string(port) + "/state";
  CommandResult r =
      run_command(cd + "CRMSYNC_STATE_URL='" + down + "' " + CRMSYNC_BINARY + " run --no-progress");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(kSecretPassword), std::string::npos) << r.output;

  const SqlServerInfo& server = test_server("postgres");
  std::string db = server.create_database();
  std::string up = "CRMSYNC_STATE_URL='" + pg_state_url(server, db) + "' ";
  r = run_command(cd + up + CRMSYNC_BINARY + " run --no-progress");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find(server.password), std::string::npos) << r.output;
  std::string mapped = server.scalar(db, "select count(*) from id_map;");
  EXPECT_NE(mapped, "0");
  std::string written = server.scalar(db, "select sum(created + updated) from run_flows;");
  // The next run there writes nothing.
  r = run_command(cd + up + CRMSYNC_BINARY + " run --no-progress");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(server.scalar(db, "select count(*) from id_map;"), mapped);
  EXPECT_EQ(server.scalar(db, "select sum(created + updated) from run_flows;"), written);
  EXPECT_EQ(server.scalar(db, "select count(*) from runs where status = 'succeeded';"), "2");
}

}  // namespace
}  // namespace crmsync::testing

namespace crmsync::testing {
namespace {

// The server ends the store's session (a restart, a failover, an idle
// timeout): the next call opens a new one, and a batch whose transaction
// died with the session is reported failed, none of it written.
TEST(PostgresState, ALostSessionIsReopenedAndAFailedBatchLeavesNothing) {
  const SqlServerInfo& server = test_server("postgres");
  std::string db = server.create_database();
  auto s = open_postgres_state_store(pg_state_url(server, db));
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto kill_sessions = [&] {
    server.sql("postgres",
               "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db +
                   "' AND application_name = 'crmsync';");
  };
  kill_sessions();
  auto count = (*s)->count_id_map("f");
  ASSERT_TRUE(count.ok()) << count.error().message;
  EXPECT_EQ(*count, 0);
  kill_sessions();
  BatchCommit c;
  c.flow = "f";
  c.upserts.push_back({"A", "1", 0, 0, 0, 0, false});
  ASSERT_TRUE((*s)->commit(c).ok());
  EXPECT_EQ(*(*s)->count_id_map("f"), 1);

  // Killed inside the transaction (by a trigger on the cursor row, after
  // the id-map rows were written): the batch fails and nothing of it stays.
  server.sql(db,
             "CREATE FUNCTION die() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM "
             "pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$; CREATE TRIGGER die "
             "BEFORE INSERT ON cursors FOR EACH ROW EXECUTE FUNCTION die();");
  BatchCommit dying;
  dying.flow = "f";
  dying.upserts.push_back({"B", "2", 0, 0, 0, 0, false});
  dying.cursor = Cursor{Value(int64_t{5}), "B"};
  Status failed = (*s)->commit(dying);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(server.scalar(db, "select string_agg(source_id, ',') from id_map;"), "A");
  EXPECT_FALSE(*(*s)->cursor("f"));
  EXPECT_EQ(*(*s)->count_id_map("f"), 1);  // and the store works on
}

}  // namespace
}  // namespace crmsync::testing
