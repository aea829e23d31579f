// Multi-row writes go through COPY into a staging table and one
// INSERT ... SELECT (postgres_copy.cc): every type the sink writes must come
// back exactly, and a bad row must be rejected alone.
#include <gtest/gtest.h>

#include "support/sql_flow_fixture.h"

namespace crmsync::testing {
namespace {

class PostgresCopy : public SqlFlowFixture {
 protected:
  void SetUp() override { use("postgres"); }

  std::vector<WriteResult> write(Connection& conn, const std::string& table,
                                 std::vector<WriteItem> items, const std::string& key = "code") {
    WriteRequest w;
    w.object = table;
    w.external_id = key;
    w.items = std::move(items);
    auto res = conn.write(w);
    EXPECT_TRUE(res.ok()) << (res.ok() ? "" : res.error().message);
    return res.ok() ? *res : std::vector<WriteResult>{};
  }
};

// Texts that COPY's text format must escape or could misread.
const std::vector<Value>& awkward_texts() {
  static const std::vector<Value> texts = {Value("tab\there"),
                                           Value("new\nline"),
                                           Value("cr\r\nlf"),
                                           Value("back\\slash"),
                                           Value("\\N"),
                                           Value("\\."),
                                           Value(""),
                                           Value(),
                                           Value("h'é \"q\" 😀 日本"),
                                           Value("\\t\\n"),
                                           Value("trailing\\"),
                                           Value(" lead and trail "),
                                           Value("a,b;c|d"),
                                           Value("\x01\x7f control")};
  return texts;
}

TEST_F(PostgresCopy, EveryTypeRoundTripsExactly) {
  exec(
      "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, code TEXT NOT NULL UNIQUE, s TEXT, "
      "n NUMERIC, i BIGINT, ts TIMESTAMPTZ, tsn TIMESTAMP, d DATE, b BOOLEAN, j JSONB);");
  auto conn = connect(false);
  ASSERT_TRUE(conn);
  auto names = make_field_names({"code", "s", "n", "i", "ts", "tsn", "d", "b", "j"});
  const std::vector<std::string> decimals = {"0", "-1.5",
                                             "1234567890123456789012345678.123456789012",
                                             "0.000000000001", "-99999999999999999999.5"};
  std::vector<WriteItem> items;
  const auto& texts = awkward_texts();
  for (size_t i = 0; i < texts.size(); ++i) {
    WriteItem w;
    w.op = WriteOp::upsert;
    bool nulls = i % 5 == 4;  // some rows with NULL in every other column
    Object json{{"k", texts[i].is_null() ? Value() : texts[i]},
                {"n", Value(*Decimal::parse("2.50"))}};
    w.record = Record(
        names, {Value("K" + std::to_string(i)), texts[i],
                nulls ? Value() : Value(*Decimal::parse(decimals[i % decimals.size()])),
                nulls ? Value() : Value(static_cast<int64_t>(i) * int64_t{-900719925474099}),
                nulls ? Value() : Value(*DateTime::parse("2024-02-29T18:29:59.123456Z")),
                nulls ? Value() : Value(*DateTime::parse("1999-12-31T10:00:00.000001Z")),
                nulls ? Value() : Value(*Date::parse("2024-02-29")),
                nulls ? Value() : Value(i % 2 == 0), nulls ? Value() : Value(std::move(json))});
    items.push_back(std::move(w));
  }
  auto res = write(*conn, "t", items);
  ASSERT_EQ(res.size(), items.size());
  for (size_t i = 0; i < res.size(); ++i) {
    EXPECT_TRUE(res[i].ok) << i << ": " << res[i].error.message;
    EXPECT_TRUE(res[i].created) << i;
    EXPECT_EQ(res[i].target_id, std::to_string(i + 1)) << i;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM t WHERE s IS NULL"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM t WHERE s = ''"), 1);

  std::vector<Record> back = read_all(*conn, "t");
  ASSERT_EQ(back.size(), items.size());
  for (const Record& r : back) {
    size_t i = std::stoul(r.get("code")->as_string().substr(1));
    const Record& sent = items[i].record;
    for (size_t k = 0; k < sent.size(); ++k) {
      const Value* got = r.get(sent.name(k));
      ASSERT_NE(got, nullptr) << sent.name(k);
      EXPECT_EQ(*got, sent.value(k))
          << "row " << i << " column " << sent.name(k) << ": sent '" << sent.value(k).to_text()
          << "', read '" << got->to_text() << "'";
    }
  }

  // The same rows again are updates of the same ids, with the texts
  // reversed between rows so that every value really changes.
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].record.value(1) = texts[texts.size() - 1 - i];
  }
  res = write(*conn, "t", items);
  ASSERT_EQ(res.size(), items.size());
  for (size_t i = 0; i < res.size(); ++i) {
    EXPECT_TRUE(res[i].ok) << i;
    EXPECT_FALSE(res[i].created) << i;
    EXPECT_EQ(res[i].target_id, std::to_string(i + 1)) << i;
  }
  back = read_all(*conn, "t");
  ASSERT_EQ(back.size(), items.size());
  for (const Record& r : back) {
    size_t i = std::stoul(r.get("code")->as_string().substr(1));
    EXPECT_EQ(*r.get("s"), texts[texts.size() - 1 - i]) << i;
  }
}

TEST_F(PostgresCopy, BadRowsInABatchAreRejectedAloneWithTheirOwnError) {
  exec(
      "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, code TEXT NOT NULL UNIQUE, qty INTEGER, "
      "name TEXT NOT NULL, email TEXT CONSTRAINT t_email_key UNIQUE);"
      "INSERT INTO t (code, qty, name, email) VALUES ('OLD', 1, 'old', 'taken@example.com');");
  auto conn = connect(false);
  ASSERT_TRUE(conn);
  auto names = make_field_names({"code", "qty", "name", "email"});
  auto row = [&](const std::string& code, Value qty, Value name, Value email) {
    WriteItem w;
    w.op = WriteOp::upsert;
    w.record = Record(names, {Value(code), std::move(qty), std::move(name), std::move(email)});
    return w;
  };
  std::vector<WriteItem> items;
  for (int i = 0; i < 10; ++i) {
    items.push_back(row("R" + std::to_string(i), Value(i), Value("n" + std::to_string(i)),
                        Value("r" + std::to_string(i) + "@example.com")));
  }
  items[2].record.value(1) = Value("abc");                // refused by COPY itself
  items[5].record.value(2) = Value();                     // NULL into NOT NULL: by the INSERT
  items[7].record.value(3) = Value("taken@example.com");  // unique violation: by the INSERT
  auto res = write(*conn, "t", items);
  ASSERT_EQ(res.size(), items.size());
  for (size_t i = 0; i < res.size(); ++i) {
    bool bad = i == 2 || i == 5 || i == 7;
    EXPECT_EQ(res[i].ok, !bad) << i << ": " << res[i].error.message;
    if (!bad) {
      EXPECT_TRUE(res[i].created) << i;
    }
  }
  EXPECT_EQ(res[2].error.kind, ErrorKind::rejected);
  EXPECT_NE(res[2].error.message.find("invalid input syntax for type integer"), std::string::npos)
      << res[2].error.message;
  EXPECT_NE(res[2].error.message.find("R2"), std::string::npos) << res[2].error.message;
  EXPECT_NE(res[5].error.message.find("null value in column \"name\""), std::string::npos)
      << res[5].error.message;
  EXPECT_NE(res[7].error.message.find("t_email_key"), std::string::npos) << res[7].error.message;
  EXPECT_EQ(count("SELECT COUNT(*) FROM t"), 8);
  EXPECT_EQ(count("SELECT COUNT(*) FROM t WHERE code IN ('R2', 'R5', 'R7')"), 0);
  // The ids the results report are the rows' own.
  for (size_t i : {0u, 9u}) {
    EXPECT_EQ(scalar("SELECT id FROM t WHERE code = 'R" + std::to_string(i) + "'"),
              res[i].target_id);
  }
}

TEST_F(PostgresCopy, PlainInsertsGetTheirOwnIdsInOrder) {
  exec(
      "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL);"
      "SELECT setval('t_id_seq', 41);");
  auto conn = connect(false);
  ASSERT_TRUE(conn);
  auto names = make_field_names({"name"});
  std::vector<WriteItem> items;
  for (int i = 0; i < 50; ++i) {
    WriteItem w;
    w.op = WriteOp::create;
    w.record = Record(names, {Value("row " + std::to_string(i))});
    items.push_back(std::move(w));
  }
  auto res = write(*conn, "t", items, "");
  ASSERT_EQ(res.size(), items.size());
  for (size_t i = 0; i < res.size(); ++i) {
    ASSERT_TRUE(res[i].ok) << res[i].error.message;
    EXPECT_TRUE(res[i].created);
    EXPECT_EQ(scalar("SELECT name FROM t WHERE id = " + res[i].target_id),
              "row " + std::to_string(i));
  }
}

TEST_F(PostgresCopy, TheSameKeyTwiceInABatchEndsAsTheLastValue) {
  exec("CREATE TABLE t (id BIGSERIAL PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT);");
  auto conn = connect(false);
  ASSERT_TRUE(conn);
  auto names = make_field_names({"code", "name"});
  std::vector<WriteItem> items;
  for (const char* name : {"first", "other", "second"}) {
    WriteItem w;
    w.op = WriteOp::upsert;
    w.record = Record(names, {Value(std::string(name) == "other" ? "B" : "A"), Value(name)});
    items.push_back(std::move(w));
  }
  auto res = write(*conn, "t", items);
  ASSERT_EQ(res.size(), 3u);
  for (const auto& r : res) EXPECT_TRUE(r.ok) << r.error.message;
  EXPECT_TRUE(res[0].created);
  EXPECT_FALSE(res[2].created);
  EXPECT_EQ(res[0].target_id, res[2].target_id);
  EXPECT_EQ(scalar("SELECT name FROM t WHERE code = 'A'"), "second");
}

}  // namespace
}  // namespace crmsync::testing
