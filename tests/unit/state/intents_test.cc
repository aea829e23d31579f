// Create intents are stored one row per add_intents call; these pin down
// that the row-per-call layout keeps the per-record contract.
#include <gtest/gtest.h>

#include "state/state_store.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync {
namespace {

using testing::SqliteProbe;
using testing::TempDir;

std::unique_ptr<StateStore> open_store(const TempDir& d) {
  auto s = open_sqlite_state_store(d.file("state.db"));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(*s) : nullptr;
}

std::vector<std::string> open_ids(StateStore& s, const std::string& flow) {
  auto open = s.open_intents(flow);
  EXPECT_TRUE(open.ok());
  std::vector<std::string> ids;
  if (open.ok()) {
    for (const CreateIntent& in : *open) ids.push_back(in.source_id);
  }
  return ids;
}

Status settle(StateStore& s, const std::string& flow, std::vector<std::string> ids) {
  BatchCommit c;
  c.flow = flow;
  c.settled_intents = std::move(ids);
  return s.commit(c);
}

TEST(CreateIntents, OneRowPerCallAndAPartlySettledCallKeepsTheRest) {
  TempDir d;
  auto s = open_store(d);
  std::vector<CreateIntent> a = {{"a1", "email", Value("x@e.com"), 4, 10},
                                 {"a2", "email", Value("y@e.com"), 4, 10},
                                 {"a3", "email", Value(int64_t{7}), 4, 10}};
  ASSERT_TRUE(s->add_intents("f", a).ok());
  ASSERT_TRUE(
      s->add_intents("f", std::vector<CreateIntent>{{"b1", "email", Value("z"), 4, 11}}).ok());
  ASSERT_TRUE(s->add_intents("g", std::vector<CreateIntent>{{"a1", "k", Value("g"), 4, 11}}).ok());
  EXPECT_EQ(SqliteProbe(d.file("state.db")).count("select count(*) from intent_batches"), 3);

  // a2 timed out (its intent stays open), the others were created.
  ASSERT_TRUE(settle(*s, "f", {"a1", "a3", "b1"}).ok());
  EXPECT_EQ(open_ids(*s, "f"), std::vector<std::string>{"a2"});
  EXPECT_EQ(open_ids(*s, "g"), std::vector<std::string>{"a1"});  // flows apart
  EXPECT_EQ(SqliteProbe(d.file("state.db")).count("select count(*) from intent_batches"), 2);

  // Another process (after a crash) sees exactly the open one, value intact.
  s.reset();
  auto again = open_store(d);
  auto open_f = again->open_intents("f");
  ASSERT_TRUE(open_f.ok());
  ASSERT_EQ(open_f->size(), 1u);
  EXPECT_EQ((*open_f)[0].match_field, "email");
  EXPECT_EQ((*open_f)[0].match_value.as_string(), "y@e.com");
  EXPECT_EQ((*open_f)[0].run_id, 4);
  EXPECT_EQ((*open_f)[0].created_at, 10);
  ASSERT_TRUE(settle(*again, "f", {"a2"}).ok());
  EXPECT_TRUE(open_ids(*again, "f").empty());
  EXPECT_EQ(SqliteProbe(d.file("state.db")).count("select count(*) from intent_batches"), 1);
}

TEST(CreateIntents, AFailedCommitLeavesTheIntentsAsTheDatabaseHasThem) {
  TempDir d;
  auto s = open_store(d);
  ASSERT_TRUE(
      s->add_intents("f", std::vector<CreateIntent>{{"r", "email", Value("v"), 1, 1}}).ok());
  // The batch settles the intent, then fails on its cursor: all of it is
  // rolled back, so the intent must still be open afterwards.
  SqliteProbe(d.file("state.db"))
      .exec(
          "CREATE TRIGGER no_cursor BEFORE INSERT ON cursors BEGIN SELECT RAISE(ABORT, "
          "'no cursor today'); END");
  BatchCommit c;
  c.flow = "f";
  c.settled_intents = {"r"};
  c.cursor = Cursor{Value("2024-01-01"), "r"};
  Status failed = s->commit(c);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("no cursor today"), std::string::npos);
  EXPECT_EQ(SqliteProbe(d.file("state.db")).count("select count(*) from intent_batches"), 1);
  // Settling it again (same store, no re-read in between) really settles it.
  ASSERT_TRUE(settle(*s, "f", {"r"}).ok());
  EXPECT_EQ(SqliteProbe(d.file("state.db")).count("select count(*) from intent_batches"), 0);
  EXPECT_TRUE(open_ids(*s, "f").empty());
}

TEST(CreateIntents, IntentsOfAnOlderStateFileSurviveTheMigration) {
  TempDir d;
  {
    // A state file as crmsync left it before intents were batched (schema 2).
    SqliteProbe db(d.file("state.db"));
    db.exec(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT "
        "NULL);"
        "INSERT INTO schema_migrations VALUES (1, 0), (2, 0);"
        "CREATE TABLE id_map (flow TEXT NOT NULL, source_id TEXT NOT NULL, target_id TEXT NOT "
        "NULL, source_checksum INTEGER NOT NULL, target_checksum INTEGER NOT NULL, updated_at "
        "INTEGER NOT NULL, run_id INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, seen_run "
        "INTEGER, PRIMARY KEY (flow, source_id)) WITHOUT ROWID;"
        "CREATE TABLE record_errors (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT "
        "NULL, flow TEXT NOT NULL, source_id TEXT NOT NULL, kind TEXT NOT NULL, message TEXT NOT "
        "NULL, payload TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT "
        "NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
        "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at INTEGER NOT NULL, "
        "ended_at INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL, trigger TEXT NOT NULL, "
        "message TEXT NOT NULL DEFAULT '');"
        "CREATE TABLE run_flows (run_id INTEGER NOT NULL, flow TEXT NOT NULL, read INTEGER NOT "
        "NULL DEFAULT 0, PRIMARY KEY (run_id, flow));"
        "CREATE TABLE intents (flow TEXT NOT NULL, source_id TEXT NOT NULL, match_field TEXT NOT "
        "NULL, match_value_type TEXT NOT NULL, match_value_text TEXT NOT NULL, run_id INTEGER NOT "
        "NULL, created_at INTEGER NOT NULL, PRIMARY KEY (flow, source_id));"
        "INSERT INTO intents VALUES ('f', 'r1', 'email', 'string', 'a\"b@e.com', 3, 30),"
        "('f', 'r2', 'no', 'integer', '42', 3, 31), ('g', 'r1', 'email', 'string', 'g', 3, 32);");
  }
  auto s = open_store(d);
  ASSERT_NE(s, nullptr);
  auto open_f = s->open_intents("f");
  ASSERT_TRUE(open_f.ok());
  ASSERT_EQ(open_f->size(), 2u);
  EXPECT_EQ((*open_f)[0].match_value.as_string(), "a\"b@e.com");
  EXPECT_EQ((*open_f)[1].match_value.as_int(), 42);
  EXPECT_EQ((*open_f)[1].created_at, 31);
  EXPECT_EQ(open_ids(*s, "g"), std::vector<std::string>{"r1"});
  ASSERT_TRUE(settle(*s, "f", {"r1"}).ok());
  EXPECT_EQ(open_ids(*s, "f"), std::vector<std::string>{"r2"});
}

}  // namespace
}  // namespace crmsync
