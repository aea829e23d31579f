// The `session:` option sets run-time parameters on every session the
// connector opens (writer, readers, after a reconnect), so a table whose
// row-level security policy reads `app.current_org` accepts the writes of a
// role that does not bypass RLS; and a rejected row's error names the
// column and the constraint PostgreSQL reports (issue 21).
#include <gtest/gtest.h>

#include "support/sql_flow_fixture.h"

namespace crmsync::testing {
namespace {

class PostgresSession : public SqlFlowFixture {
 protected:
  void SetUp() override {
    use("postgres");
    // The policy of BottleCRM (examples/salesforce-to-bottlecrm/schema.sql),
    // enforced on a role that is neither superuser nor owner.
    exec(
        "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, code TEXT NOT NULL UNIQUE, org TEXT NOT NULL, "
        "qty INTEGER CONSTRAINT t_qty_positive CHECK (qty > 0), name TEXT NOT NULL);"
        "ALTER TABLE t ENABLE ROW LEVEL SECURITY; ALTER TABLE t FORCE ROW LEVEL SECURITY;"
        "CREATE POLICY org_isolation ON t FOR ALL USING "
        "(org = (select NULLIF(current_setting('app.current_org', true), '')));"
        "CREATE POLICY org_insert_check ON t FOR INSERT WITH CHECK "
        "(org = (select NULLIF(current_setting('app.current_org', true), '')));"
        "INSERT INTO t (code, org, qty, name) VALUES ('B1', 'org-b', 1, 'theirs');"
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_app') THEN "
        "CREATE ROLE rls_app LOGIN PASSWORD 'rls-app-pw'; END IF; END $$;"
        "GRANT ALL ON t TO rls_app; GRANT USAGE ON SEQUENCE t_id_seq TO rls_app;");
  }

  std::unique_ptr<Connection> connect_as_app(const Value& session) {
    ConnectionConfig c = connection_config(false, "rls-app-pw");
    Object o = c.options.values.as_object();
    for (Member& m : o) {
      if (m.key == "user") m.value = Value("rls_app");
    }
    if (!session.is_null()) o.push_back(Member{"session", session});
    c.options.values = Value(std::move(o));
    auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{});
    EXPECT_TRUE(conn.ok()) << conn.error().message;
    return conn.ok() ? std::move(*conn) : nullptr;
  }

  static std::vector<WriteItem> rows(const std::string& org, int n) {
    auto names = make_field_names({"code", "org", "qty", "name"});
    std::vector<WriteItem> items;
    for (int i = 0; i < n; ++i) {
      WriteItem w;
      w.op = WriteOp::upsert;
      w.record = Record(names, {Value("A" + std::to_string(i)), Value(org), Value(int64_t{i + 1}),
                                Value("n" + std::to_string(i))});
      items.push_back(std::move(w));
    }
    return items;
  }

  static Result<std::vector<WriteResult>> write(Connection& conn, std::vector<WriteItem> items) {
    WriteRequest w;
    w.object = "t";
    w.external_id = "code";
    w.items = std::move(items);
    return conn.write(w);
  }
};

// A policy violation is SQLSTATE 42501 (insufficient privilege): the setup
// is wrong, not the record, so the write stops as a fatal error.
TEST_F(PostgresSession, WithoutTheSettingRlsRefusesTheWrite) {
  auto conn = connect_as_app(Value());
  ASSERT_TRUE(conn);
  auto res = write(*conn, rows("org-a", 3));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::fatal);
  EXPECT_NE(res.error().message.find("row-level security"), std::string::npos)
      << res.error().message;
  EXPECT_EQ(count("SELECT COUNT(*) FROM t"), 1);
}

TEST_F(PostgresSession, TheSettingIsAppliedToWritesAndReadsOfEverySession) {
  auto conn = connect_as_app(Value(Object{{"app.current_org", Value("org-a")}}));
  ASSERT_TRUE(conn);
  auto res = write(*conn, rows("org-a", 3));
  ASSERT_TRUE(res.ok()) << res.error().message;
  for (const WriteResult& r : *res) EXPECT_TRUE(r.ok) << r.error.message;
  // Another org's row stays out of reach: not written, not read.
  auto other = write(*conn, rows("org-b", 1));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorKind::fatal) << other.error().message;
  // Reads run on a session of their own: it gets the setting too.
  std::vector<Record> seen = read_all(*conn, "t");
  ASSERT_EQ(seen.size(), 3u);
  for (const Record& r : seen) EXPECT_EQ(r.get("org")->to_text(), "org-a");
  EXPECT_EQ(count("SELECT COUNT(*) FROM t WHERE org = 'org-a'"), 3);
  EXPECT_EQ(scalar("SELECT name FROM t WHERE code = 'A0'"), "n0");
}

TEST_F(PostgresSession, TheSettingSurvivesAReconnect) {
  auto conn = connect_as_app(Value(Object{{"app.current_org", Value("org-a")}}));
  ASSERT_TRUE(conn);
  ASSERT_TRUE(write(*conn, rows("org-a", 1)).ok());
  exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'rls_app';");
  // The first call after the kill may fail as a lost connection; the next
  // connects again and must carry the setting.
  auto first = write(*conn, rows("org-a", 2));
  if (!first.ok()) {
    EXPECT_EQ(first.error().kind, ErrorKind::retryable) << first.error().message;
  }
  auto again = write(*conn, rows("org-a", 2));
  ASSERT_TRUE(again.ok()) << again.error().message;
  for (const WriteResult& r : *again) EXPECT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(count("SELECT COUNT(*) FROM t WHERE org = 'org-a'"), 2);
}

TEST_F(PostgresSession, ARejectedRowNamesItsColumnAndConstraint) {
  auto conn = connect_as_app(Value(Object{{"app.current_org", Value("org-a")}}));
  ASSERT_TRUE(conn);
  auto items = rows("org-a", 4);
  items[1].record.value(2) = Value(int64_t{-5});  // CHECK: the message names no column
  items[2].record.value(3) = Value();             // NOT NULL
  auto res = write(*conn, items);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_TRUE((*res)[0].ok);
  EXPECT_TRUE((*res)[3].ok);
  ASSERT_FALSE((*res)[1].ok);
  EXPECT_NE((*res)[1].error.message.find("constraint t_qty_positive"), std::string::npos)
      << (*res)[1].error.message;
  EXPECT_NE((*res)[1].error.message.find("table t"), std::string::npos) << (*res)[1].error.message;
  ASSERT_FALSE((*res)[2].ok);
  EXPECT_NE((*res)[2].error.message.find("column name"), std::string::npos)
      << (*res)[2].error.message;
}

TEST_F(PostgresSession, AnUnknownSettingNameIsAFatalError) {
  auto conn = connect_as_app(Value(Object{{"not a name", Value("x")}}));
  ASSERT_TRUE(conn);
  auto res = write(*conn, rows("org-a", 1));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::fatal) << res.error().message;
}

}  // namespace
}  // namespace crmsync::testing
