// The sqlite connector's count() against a real SQLite file: what read()
// returns for the same request (filter pushed down, cursor bound), in one
// API call.
#include <gtest/gtest.h>

#include "connectors/registry.h"
#include "support/sqlite_connection.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync {
namespace {

using testing::open_sqlite_connection;
using testing::SqliteProbe;
using testing::TempDir;

int64_t read_size(Connection& conn, const ReadRequest& req) {
  int64_t n = 0;
  std::vector<Record> batch;
  auto reader = conn.read(req);
  EXPECT_TRUE(reader.ok()) << reader.error().message;
  while (reader.ok()) {
    auto more = (*reader)->next(batch);
    EXPECT_TRUE(more.ok()) << more.error().message;
    n += static_cast<int64_t>(batch.size());
    if (!more.ok() || !*more) break;
  }
  return n;
}

TEST(SqliteCount, IsWhatReadReturnsWithFilterAndCursor) {
  TempDir d;
  {
    SqliteProbe db(d.file("t.db"));
    db.exec(
        "create table people (id text primary key, score numeric, seen timestamp, active "
        "boolean)");
    std::string sql = "begin;";
    // P100..P139: active every other one, seen 00:00:10 .. 00:00:49.
    for (int i = 0; i < 40; ++i) {
      sql += "insert into people values ('P" + std::to_string(100 + i) + "', " + std::to_string(i) +
             ", '2024-01-01T00:00:" + std::to_string(10 + i) + "Z', " + std::to_string(i % 2) +
             ");";
    }
    db.exec(sql + "commit;");
  }
  auto c = open_sqlite_connection(d);
  ASSERT_TRUE(c);
  auto active = filter::Filter::parse("active = TRUE AND score > 3");
  ASSERT_TRUE(active.ok());
  struct Case {
    const char* what;
    const filter::Filter* filter;
    bool cursor;
    int64_t expected;
  };
  const Case cases[] = {
      {"full read", nullptr, false, 40},
      {"filter", &*active, false, 18},            // odd i from 5 to 39
      {"cursor", nullptr, true, 20},              // seen >= 00:00:30: i 20..39
      {"filter and cursor", &*active, true, 10},  // odd i 21..39
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.what);
    ReadRequest req;
    req.object = "people";
    req.filter = k.filter;
    req.batch_size = 3;
    if (k.cursor) {
      req.cursor_field = "seen";
      req.cursor_from = Value(*DateTime::parse("2024-01-01T00:00:30Z"));
    }
    const uint64_t calls = c->api_calls();
    auto n = c->count(req);
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_EQ(c->api_calls(), calls + 1);
    EXPECT_EQ(*n, std::optional<int64_t>(k.expected));
    EXPECT_EQ(read_size(*c, req), k.expected);
  }
  ReadRequest missing;
  missing.object = "nobody";
  auto n = c->count(missing);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().kind, ErrorKind::fatal);
}

}  // namespace
}  // namespace crmsync
