#include <gtest/gtest.h>

#include <string>

#include "support/engine_fixture.h"
#include "support/sqlite_probe.h"

namespace crmsync::testing {
namespace {

const char* kRefsConfig = R"(
connections:
  crm: {type: sqlite, path: source.db}
  dw: {type: sqlite, path: target.db}
flows:
  accounts:
    source: {connection: crm, object: accounts, id_field: id, cursor_field: updated_at}
    target: {connection: dw, object: accounts, id_field: id}
    match: {target_field: crm_id}
    mapping:
      crm_id: id
      name: name
  contacts:
    source: {connection: crm, object: contacts, id_field: id, cursor_field: updated_at,
             filter: "email != null"}
    target: {connection: dw, object: contacts, id_field: id}
    match: {target_field: crm_id}
    on_delete: {flag: {field: deleted, value: true}}
    retry: {parent_wait_runs: 5}
    mapping:
      crm_id: id
      email: {from: email, transform: lower}
      account_id: {ref: accounts, from: account_id}
)";

class SqliteRefs : public EngineFixture {
 protected:
  void seed(int accounts, int contacts) {
    SqliteProbe src(dir.file("source.db"));
    src.exec(
        "create table accounts (id text primary key, name text, updated_at timestamp);"
        "create table contacts (id text primary key, account_id text, email text, "
        "updated_at timestamp);");
    std::string sql = "begin;";
    for (int i = 0; i < accounts; ++i) {
      sql += "insert into accounts values ('A" + std::to_string(i) + "', 'Account " +
             std::to_string(i) + "', '2024-01-01T00:00:" + std::to_string(10 + i % 50) + "Z');";
    }
    for (int i = 0; i < contacts; ++i) {
      sql += "insert into contacts values ('K" + std::to_string(i) + "', 'A" +
             std::to_string(i % accounts) + "', 'User" + std::to_string(i) +
             "@Example.com', '2024-01-02T00:" + std::to_string(10 + i / 60 % 50) + ":" +
             std::to_string(10 + i % 50) + "Z');";
    }
    src.exec(sql + "commit;");
  }

  void expect_references_valid() {
    SqliteProbe dw(dir.file("target.db"));
    EXPECT_EQ(dw.count("select count(*) from contacts c left join accounts a on a.id = "
                       "c.account_id where a.id is null"),
              0);
    // Each contact points at the warehouse row of its own CRM account.
    SqliteProbe src(dir.file("source.db"));
    auto pairs =
        dw.rows("select c.crm_id, a.crm_id from contacts c join accounts a on a.id = c.account_id");
    for (const auto& p : pairs) {
      EXPECT_EQ(src.scalar("select account_id from contacts where id = '" + p[0] + "'"), p[1]);
    }
  }
};

TEST_F(SqliteRefs, ChildrenPointAtTheirParentsAndReRunsWriteNothing) {
  seed(50, 400);
  load(kRefsConfig);
  RunReport r = run();
  ASSERT_EQ(r.order, (std::vector<std::string>{"accounts", "contacts"}));
  EXPECT_EQ(counts(r, "accounts").created, 50);
  EXPECT_EQ(counts(r, "contacts").created, 400);
  expect_references_valid();

  r = run();
  FlowCounts c = counts(r, "contacts");
  EXPECT_EQ(c.created + c.updated, 0);
  EXPECT_EQ(counts(r, "accounts").created + counts(r, "accounts").updated, 0);
}

TEST_F(SqliteRefs, IncrementalReadsOnlyWhatChangedSinceTheCursor) {
  seed(10, 100);
  load(kRefsConfig);
  run();
  {
    SqliteProbe src(dir.file("source.db"));
    src.exec(
        "update contacts set email = 'changed' || id || '@example.com', updated_at = "
        "'2024-02-01T00:00:00Z' where id in ('K1', 'K2', 'K3')");
  }
  RunReport r = run();
  FlowCounts c = counts(r, "contacts");
  EXPECT_EQ(c.updated, 3);
  EXPECT_LE(c.read, 5);  // the 3 changed, plus the record(s) at the old cursor
  SqliteProbe dw(dir.file("target.db"));
  EXPECT_EQ(dw.scalar("select email from contacts where crm_id = 'K2'"), "changedk2@example.com");
  auto cursor = store->cursor("contacts");
  ASSERT_TRUE(cursor.ok() && cursor->has_value());
  EXPECT_EQ((*cursor)->value.to_text(), "2024-02-01T00:00:00Z");
}

// The filter is pushed down to SQL, so a contact whose change takes it out
// of the filter is not in the incremental read: the run must still find it
// (a read of NOT filter since the cursor) and apply the delete policy.
TEST_F(SqliteRefs, ARecordThatLeavesAPushedDownFilterGetsTheDeletePolicy) {
  seed(5, 30);
  load(kRefsConfig);
  run();
  {
    SqliteProbe src(dir.file("source.db"));
    src.exec(
        "update contacts set email = null, updated_at = '2024-02-01T00:00:00Z' "
        "where id in ('K4', 'K5')");
    // Outside the filter and never synced: none of the flow's business.
    src.exec("insert into contacts values ('NEVER', 'A0', null, '2024-02-02T00:00:00Z')");
  }
  RunReport r = run();
  FlowCounts c = counts(r, "contacts");
  EXPECT_EQ(c.deleted, 2);
  EXPECT_EQ(c.created + c.updated, 0);
  // Read: the two that left, and the record at the cursor the main read
  // starts from again; not the row outside the filter it never synced.
  EXPECT_EQ(c.read, 3);
  SqliteProbe dw(dir.file("target.db"));
  EXPECT_EQ(dw.count("select count(*) from contacts where deleted = 1"), 2);
  EXPECT_EQ(dw.scalar("select deleted from contacts where crm_id = 'K4'"), "1");
  // Nothing else changed: the next run flags nothing again.
  r = run();
  EXPECT_EQ(counts(r, "contacts").deleted, 0);
  // Back inside the filter: the flag is cleared.
  {
    SqliteProbe src(dir.file("source.db"));
    src.exec(
        "update contacts set email = 'back@example.com', updated_at = "
        "'2024-03-01T00:00:00Z' where id = 'K4'");
  }
  r = run();
  EXPECT_EQ(counts(r, "contacts").updated, 1);
  EXPECT_EQ(dw.count("select count(*) from contacts where deleted = 1"), 1);
}

TEST_F(SqliteRefs, ChildWaitsForAMissingParentAndIsWrittenWhenItArrives) {
  seed(5, 20);
  {
    SqliteProbe src(dir.file("source.db"));
    src.exec("insert into contacts values ('ORPHAN', 'A-LATE', 'o@x.com', '2024-01-03T00:00:00Z')");
  }
  load(kRefsConfig);
  RunReport r = run();
  FlowCounts c = counts(r, "contacts");
  EXPECT_EQ(c.created, 20);
  EXPECT_EQ(c.failed, 1);
  auto errs = store->errors(r.run_id, 10);
  ASSERT_EQ(errs->size(), 1u);
  EXPECT_EQ((*errs)[0].source_id, "ORPHAN");
  EXPECT_EQ((*errs)[0].kind, ErrorKind::retryable);
  EXPECT_EQ((*errs)[0].status, RecordErrorStatus::pending);
  EXPECT_NE((*errs)[0].message.find("A-LATE"), std::string::npos);
  SqliteProbe dw(dir.file("target.db"));
  EXPECT_EQ(dw.count("select count(*) from contacts where crm_id = 'ORPHAN'"), 0);

  {
    SqliteProbe src(dir.file("source.db"));
    src.exec("insert into accounts values ('A-LATE', 'Late', '2024-03-01T00:00:00Z')");
  }
  r = run();
  EXPECT_EQ(counts(r, "accounts").created, 1);
  EXPECT_EQ(counts(r, "contacts").created, 1);  // from the retry of the due error
  EXPECT_EQ(dw.count("select count(*) from contacts where crm_id = 'ORPHAN'"), 1);
  expect_references_valid();
  EXPECT_TRUE(store->errors(0, 10)->empty());
}

// A parent that failed (not one still to come) is named as the reason the
// child waits, with the parent's id and its own error; the child is not
// written with a NULL or dangling reference, and goes in once the parent does.
TEST_F(SqliteRefs, AChildOfAFailedParentIsReportedAsParentFailed) {
  seed(3, 6);
  {
    SqliteProbe src(dir.file("source.db"));
    src.exec(
        "insert into accounts values ('A-BAD', NULL, '2024-01-01T00:00:59Z');"
        "insert into contacts values ('CHILD', 'A-BAD', 'c@x.com', '2024-01-03T00:00:00Z')");
  }
  std::string config = kRefsConfig;
  config.replace(config.find("      name: name"), 16, "      name: {from: name, required: true}");
  load(config);
  RunReport r = run();
  EXPECT_EQ(counts(r, "accounts").failed, 1);
  EXPECT_EQ(counts(r, "contacts").created, 6);
  EXPECT_EQ(counts(r, "contacts").failed, 1);
  auto errs = store->errors(r.run_id, 10);
  ASSERT_TRUE(errs.ok());
  const RecordError* child = nullptr;
  for (const RecordError& e : *errs) {
    if (e.source_id == "CHILD") child = &e;
  }
  ASSERT_NE(child, nullptr);
  EXPECT_NE(child->message.find("parent failed"), std::string::npos) << child->message;
  EXPECT_NE(child->message.find("accounts record A-BAD"), std::string::npos) << child->message;
  EXPECT_NE(child->message.find("name: required"), std::string::npos) << child->message;
  SqliteProbe dw(dir.file("target.db"));
  EXPECT_EQ(dw.count("select count(*) from contacts where crm_id = 'CHILD'"), 0);
  EXPECT_EQ(dw.count("select count(*) from contacts where account_id is null"), 0);

  {
    SqliteProbe src(dir.file("source.db"));
    src.exec(
        "update accounts set name = 'Fixed', updated_at = '2024-03-01T00:00:00Z' "
        "where id = 'A-BAD'");
  }
  r = run();
  EXPECT_EQ(counts(r, "accounts").created, 1);
  EXPECT_EQ(counts(r, "contacts").created, 1);
  EXPECT_EQ(dw.count("select count(*) from contacts where crm_id = 'CHILD'"), 1);
  expect_references_valid();
}

TEST_F(SqliteRefs, FullRunFlagsRecordsGoneFromTheSource) {
  seed(5, 30);
  load(kRefsConfig);
  run();
  {
    SqliteProbe src(dir.file("source.db"));
    src.exec(
        "delete from contacts where id in ('K4', 'K5'); update contacts set email = null "
        "where id = 'K6'");
  }
  RunOptions full;
  full.full = true;
  RunReport r = run(full);
  EXPECT_EQ(counts(r, "contacts").deleted, 3);  // 2 deleted, 1 no longer matching the filter
  SqliteProbe dw(dir.file("target.db"));
  EXPECT_EQ(dw.count("select count(*) from contacts where deleted = 1"), 3);
  EXPECT_EQ(dw.count("select count(*) from contacts"), 30);
  // Stable afterwards: nothing flagged twice.
  r = run(full);
  EXPECT_EQ(counts(r, "contacts").deleted, 0);
}

}  // namespace
}  // namespace crmsync::testing
