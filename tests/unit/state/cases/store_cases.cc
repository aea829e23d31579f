#include <gtest/gtest.h>

#include "state/state_store.h"
#include "unit/state/cases/state_suite.h"

namespace crmsync {
namespace store_cases {

using testing::StateStoreSuite;

TEST_P(StateStoreSuite, MigratesOnceAndRefusesNewerSchemasNamingTheVersion) {
  { auto s = open(); }
  { auto s = open(); }  // idempotent reopen
  EXPECT_EQ(backend().scalar("select count(*) from schema_migrations"),
            std::to_string(backend().schema_version()));
  backend().exec("insert into schema_migrations values (99, 0)");
  auto s = backend().open();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::fatal);
  EXPECT_NE(s.error().message.find("newer crmsync (schema 99 > " +
                                   std::to_string(backend().schema_version()) + ")"),
            std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find(backend().where()), std::string::npos) << s.error().message;
}

TEST_P(StateStoreSuite, StreamPositionsCommitWithTheirBatchAndSurviveReopen) {
  {
    auto s = open();
    EXPECT_EQ(*s->stream_position("f"), "");
    BatchCommit c;
    c.flow = "f";
    c.upserts.push_back({"S1", "T1", 1, 2, 5, 0, false});
    c.stream_position = "1042";
    ASSERT_TRUE(s->commit(c).ok());
    BatchCommit other;
    other.flow = "g";
    other.stream_position = "7";
    ASSERT_TRUE(s->commit(other).ok());
  }
  auto s = open();
  EXPECT_EQ(*s->stream_position("f"), "1042");
  EXPECT_EQ(*s->stream_position("g"), "7");
  BatchCommit forget;
  forget.flow = "f";
  forget.stream_position = "";
  ASSERT_TRUE(s->commit(forget).ok());
  EXPECT_EQ(*s->stream_position("f"), "");
  EXPECT_EQ(*s->stream_position("g"), "7");
}

TEST_P(StateStoreSuite, IdMapUpsertLookupInChunks) {
  auto s = open();
  BatchCommit c;
  c.flow = "f";
  std::vector<std::string> ids;
  for (int i = 0; i < 1200; ++i) {
    ids.push_back("S" + std::to_string(i));
    c.upserts.push_back(
        {ids.back(), "T" + std::to_string(i), 1, 0xFEDCBA9876543210ULL + i, 5, 0, false});
  }
  ASSERT_TRUE(s->commit(c).ok());
  auto found = s->lookup("f", ids);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1200u);
  for (const IdMapEntry& e : *found) {
    int i = std::stoi(e.source_id.substr(1));
    EXPECT_EQ(e.target_id, "T" + std::to_string(i));
    EXPECT_EQ(e.target_checksum, 0xFEDCBA9876543210ULL + i);  // high bit survives
  }
  EXPECT_TRUE(s->lookup("other", ids)->empty());
  EXPECT_EQ(*s->count_id_map("f"), 1200);
}

// Batches are written in multi-row statements of 100, 10 and 1 rows; sizes
// that are not multiples of those, re-upserts and deletes must all land.
TEST_P(StateStoreSuite, OddBatchSizesUpsertForgetSettleAndMarkSeen) {
  auto s = open();
  for (int n : {1, 9, 10, 11, 99, 100, 101, 237, 1234}) {
    std::string flow = "f" + std::to_string(n);
    BatchCommit c;
    c.flow = flow;
    c.run_id = 3;
    std::vector<std::string> ids;
    std::vector<CreateIntent> intents;
    for (int i = 0; i < n; ++i) {
      ids.push_back("S" + std::to_string(i));
      c.upserts.push_back({ids.back(), "T" + std::to_string(i), 1, 2, 3, 3, false});
      intents.push_back({ids.back(), "email", Value("e" + std::to_string(i)), 3, 1});
    }
    ASSERT_TRUE(s->add_intents(flow, intents).ok());
    ASSERT_EQ(s->open_intents(flow)->size(), static_cast<size_t>(n));
    c.settled_intents = ids;
    c.seen.assign(ids.begin(), ids.begin() + n / 2);
    ASSERT_TRUE(s->commit(c).ok());
    EXPECT_TRUE(s->open_intents(flow)->empty());
    EXPECT_EQ(*s->count_id_map(flow), n);
    EXPECT_EQ(s->unseen(flow, 3, "", 100000)->size(), static_cast<size_t>(n - n / 2));

    BatchCommit again;  // the same ids again: updated in place, not added
    again.flow = flow;
    for (const auto& e : c.upserts) again.upserts.push_back({e.source_id, "U", 4, 5, 6, 4, true});
    again.forget.assign(ids.begin(), ids.begin() + (n + 1) / 3);
    ASSERT_TRUE(s->commit(again).ok());
    auto found = s->lookup(flow, ids);
    ASSERT_EQ(found->size(), static_cast<size_t>(n - (n + 1) / 3));
    for (const IdMapEntry& e : *found) {
      EXPECT_EQ(e.target_id, "U");
      EXPECT_EQ(e.target_checksum, 5u);
      EXPECT_TRUE(e.deleted);
    }
  }
}

TEST_P(StateStoreSuite, ResolvingAManyRecordBatchResolvesOnlyItsOwnErrors) {
  auto s = open();
  BatchCommit failing;
  failing.flow = "f";
  for (const char* id : {"S5", "S700", "other"}) {
    RecordError e;
    e.flow = "f";
    e.source_id = id;
    e.kind = ErrorKind::retryable;
    e.message = "503";
    e.attempts = 1;
    e.status = RecordErrorStatus::pending;
    failing.errors.push_back(e);
  }
  ASSERT_TRUE(s->commit(failing).ok());
  BatchCommit ok;
  ok.flow = "f";
  for (int i = 0; i < 1000; ++i) ok.resolved.push_back("S" + std::to_string(i));
  ASSERT_TRUE(s->commit(ok).ok());
  auto open_errs = s->open_errors("f", std::vector<std::string>{"S5", "S700", "other"});
  ASSERT_EQ(open_errs->size(), 1u);
  EXPECT_EQ((*open_errs)[0].source_id, "other");
}

TEST_P(StateStoreSuite, CommitIsAllOrNothing) {
  auto s = open();
  // A real database failure in the middle of the batch: the error row is
  // written after the id map and cursor rows.
  backend().fail_error_inserts_of("BOOM");
  BatchCommit bad;
  bad.flow = "f";
  bad.upserts.push_back({"A", "1", 0, 0, 0, 0, false});
  bad.cursor = Cursor{Value(int64_t{10}), "A"};
  RecordError e;
  e.flow = "f";
  e.source_id = "BOOM";
  bad.errors.push_back(e);
  Status st = s->commit(bad);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::fatal);
  EXPECT_NE(st.error().message.find("injected failure"), std::string::npos);
  EXPECT_TRUE(s->lookup("f", std::vector<std::string>{"A"})->empty());
  EXPECT_FALSE(s->cursor("f")->has_value());
}

TEST_P(StateStoreSuite, CursorsKeepTheirTypeExactly) {
  auto s = open();
  for (Value v :
       {Value(*DateTime::parse("2024-01-01T12:00:00.123+0000")), Value(int64_t{42}),
        Value(*Decimal::parse("10.50")), Value("abc"), Value(*Date::parse("2024-02-29"))}) {
    BatchCommit c;
    c.flow = "f";
    c.cursor = Cursor{v, "id9"};
    ASSERT_TRUE(s->commit(c).ok());
    auto back = s->cursor("f");
    ASSERT_TRUE(back.ok() && back->has_value());
    EXPECT_EQ((*back)->value.type(), v.type());
    EXPECT_EQ((*back)->value, v);
    EXPECT_EQ((*back)->id, "id9");
  }
  ASSERT_TRUE(s->reset_cursor("f").ok());
  EXPECT_FALSE(s->cursor("f")->has_value());
}

TEST_P(StateStoreSuite, OneOpenErrorPerRecordAndRetryQueues) {
  auto s = open();
  int64_t run = *s->begin_run("cli", 100);
  auto fail = [&](int attempts, int64_t next, RecordErrorStatus status) {
    BatchCommit c;
    c.flow = "f";
    c.run_id = run;
    RecordError e;
    e.run_id = run;
    e.flow = "f";
    e.source_id = "X";
    e.kind = ErrorKind::retryable;
    e.message = "503 from the API";
    e.attempts = attempts;
    e.next_attempt_at = next;
    e.status = status;
    c.errors.push_back(e);
    c.counts.failed = 1;
    ASSERT_TRUE(s->commit(c).ok());
  };
  fail(1, 200, RecordErrorStatus::pending);
  fail(2, 300, RecordErrorStatus::pending);
  auto open_errs = s->open_errors("f", std::vector<std::string>{"X"});
  ASSERT_EQ(open_errs->size(), 1u);
  EXPECT_EQ((*open_errs)[0].attempts, 2);
  EXPECT_TRUE(s->due_errors("f", 250, 10)->empty());
  EXPECT_EQ(s->due_errors("f", 300, 10)->size(), 1u);
  fail(3, 0, RecordErrorStatus::parked);
  EXPECT_TRUE(s->due_errors("f", 1000, 10)->empty());
  EXPECT_EQ(*s->requeue_errors(run, 500), 1);
  EXPECT_EQ(s->due_errors("f", 500, 10)->size(), 1u);
  BatchCommit ok;
  ok.flow = "f";
  ok.resolved = {"X"};
  ASSERT_TRUE(s->commit(ok).ok());
  EXPECT_TRUE(s->errors(0, 10)->empty());
  EXPECT_EQ(s->errors(run, 10)->size(), 1u);  // history keeps it, resolved
  EXPECT_EQ((*s->errors(run, 10))[0].status, RecordErrorStatus::resolved);
}

TEST_P(StateStoreSuite, AnUnknownOutcomeIsKeptAndShownUntilResolved) {
  auto s = open();
  int64_t run = *s->begin_run("cli", 100);
  auto fail = [&](bool unknown) {
    BatchCommit c;
    c.flow = "f";
    c.run_id = run;
    RecordError e;
    e.run_id = run;
    e.flow = "f";
    e.source_id = "X";
    e.kind = ErrorKind::retryable;
    e.message = "create of record X may have been applied; answer lost";
    e.next_attempt_at = 200;
    e.outcome_unknown = unknown;
    c.errors.push_back(e);
    ASSERT_TRUE(s->commit(c).ok());
  };
  fail(true);
  auto open_errs = s->errors(0, 10);
  ASSERT_EQ(open_errs->size(), 1u);
  EXPECT_TRUE((*open_errs)[0].outcome_unknown);
  EXPECT_EQ(display_status((*open_errs)[0]), "unknown outcome");
  EXPECT_EQ(s->due_errors("f", 200, 10)->size(), 1u);  // scheduled like any pending error
  fail(false);                                         // the next failure knows better
  EXPECT_FALSE((*s->errors(0, 10))[0].outcome_unknown);
  EXPECT_EQ(display_status((*s->errors(0, 10))[0]), "pending");
  fail(true);
  BatchCommit ok;
  ok.flow = "f";
  ok.resolved = {"X"};
  ASSERT_TRUE(s->commit(ok).ok());
  EXPECT_EQ(display_status((*s->errors(run, 10))[0]), "resolved");
}

TEST_P(StateStoreSuite, RunsAccumulateCountsAndAbandonedRunsAreClosed) {
  auto s = open();
  int64_t r1 = *s->begin_run("cli", 10);
  for (int i = 0; i < 3; ++i) {
    BatchCommit c;
    c.flow = "f";
    c.run_id = r1;
    c.counts.read = 10;
    c.counts.created = 4;
    ASSERT_TRUE(s->commit(c).ok());
  }
  ASSERT_TRUE(s->end_run(r1, RunStatus::succeeded, "", 20).ok());
  int64_t r2 = *s->begin_run("schedule", 30);
  // Its owner (this process) lives: the run is left running.
  EXPECT_TRUE(s->close_abandoned_runs(35)->empty());
  EXPECT_EQ((*s->run(r2))->status, RunStatus::running);
  // A run written before owners were recorded has none: it is abandoned.
  backend().exec("update runs set owner_host = ''");
  auto closed = s->close_abandoned_runs(40);
  ASSERT_EQ(closed->size(), 1u);
  EXPECT_EQ((*closed)[0].id, r2);
  auto runs = s->runs(10);
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].id, r2);
  EXPECT_EQ((*runs)[0].status, RunStatus::interrupted);
  EXPECT_EQ((*runs)[1].flows.at("f").read, 30);
  EXPECT_EQ((*runs)[1].flows.at("f").created, 12);
  EXPECT_EQ((*s->run(r1))->status, RunStatus::succeeded);
}

TEST_P(StateStoreSuite, UnseenPagesAndIntents) {
  auto s = open();
  BatchCommit c;
  c.flow = "f";
  c.run_id = 7;
  for (const char* id : {"a", "b", "c", "d"}) c.upserts.push_back({id, id, 0, 0, 0, 0, false});
  c.seen = {"b", "d"};
  ASSERT_TRUE(s->commit(c).ok());
  auto page = s->unseen("f", 7, "", 1);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].source_id, "a");
  page = s->unseen("f", 7, "a", 10);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].source_id, "c");

  std::vector<CreateIntent> intents = {{"x", "sf_id", Value("X-1"), 7, 1},
                                       {"y", "sf_id", Value(int64_t{5}), 7, 1}};
  ASSERT_TRUE(s->add_intents("f", intents).ok());
  auto open_i = s->open_intents("f");
  ASSERT_EQ(open_i->size(), 2u);
  EXPECT_EQ((*open_i)[1].match_value.as_int(), 5);
  BatchCommit settle;
  settle.flow = "f";
  settle.settled_intents = {"x"};
  ASSERT_TRUE(s->commit(settle).ok());
  EXPECT_EQ(s->open_intents("f")->size(), 1u);
}

TEST_P(StateStoreSuite, ASecondProcessReadsWhileTheFirstWrites) {
  auto writer = open();
  auto reader = open();
  ASSERT_TRUE(writer->begin_run("cli", 1).ok());
  BatchCommit c;
  c.flow = "f";
  c.upserts.push_back({"a", "1", 0, 0, 0, 0, false});
  ASSERT_TRUE(writer->commit(c).ok());
  EXPECT_EQ(*reader->count_id_map("f"), 1);
  EXPECT_EQ(reader->runs(5)->size(), 1u);
}

}  // namespace store_cases
}  // namespace crmsync
