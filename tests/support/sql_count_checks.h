#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "support/sql_flow_fixture.h"

namespace crmsync::testing {

// Connection::count against a real database: for a full read, a pushed-down
// filter, a cursor bound, both, and a flow's `query:`, the count is what
// read() returns for the same request, and it is one API call.
class SqlCountFixture : public SqlFlowFixture {
 protected:
  // Records read() returns for `req`.
  static int64_t read_size(Connection& conn, const ReadRequest& req) {
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

  // count(req), checked to cost one API call; -1 when it failed or could
  // not say.
  static int64_t counted(Connection& conn, const ReadRequest& req) {
    const uint64_t calls = conn.api_calls();
    auto n = conn.count(req);
    EXPECT_TRUE(n.ok()) << n.error().message;
    if (!n.ok()) return -1;
    EXPECT_EQ(conn.api_calls(), calls + 1);
    EXPECT_TRUE(n->has_value());
    return n->value_or(-1);
  }

  // seed_source(50): ids 1..50, company OTHER for multiples of 3 (16 of
  // them), updated_at 2024-01-01 00:00:id.
  void check_counts_match_reads() {
    seed_source(50);
    auto conn = connect(false);
    ASSERT_TRUE(conn);
    auto acme = filter::Filter::parse("company = 'ACME'");
    ASSERT_TRUE(acme.ok());
    auto none = filter::Filter::parse("company = 'NOBODY'");
    ASSERT_TRUE(none.ok());
    const Value from(*DateTime::parse("2024-01-01T00:00:20Z"));
    struct Case {
      const char* what;
      const filter::Filter* filter;
      bool cursor;
      int64_t expected;
    };
    const Case cases[] = {
        {"full read", nullptr, false, 50},
        {"filter", &*acme, false, 34},
        {"cursor", nullptr, true, 31},            // ids 20..50
        {"filter and cursor", &*acme, true, 21},  // of 20..50, not the 10 multiples of 3
        {"filter matching nothing", &*none, false, 0},
    };
    for (const Case& c : cases) {
      SCOPED_TRACE(c.what);
      ReadRequest req;
      req.object = "crm_customers";
      req.id_field = "id";
      req.filter = c.filter;
      req.batch_size = 7;
      if (c.cursor) {
        req.cursor_field = "updated_at";
        req.cursor_from = from;
      }
      EXPECT_EQ(counted(*conn, req), c.expected);
      EXPECT_EQ(read_size(*conn, req), c.expected);
    }
    ReadRequest missing;
    missing.object = "no_such_table";
    EXPECT_FALSE(conn->count(missing).ok());
  }

  // A flow's `query:` (with a named parameter) is counted as a subquery,
  // with the filter and cursor on top.
  void check_query_source_counts() {
    seed_source(50);
    auto conn = connect(false);
    ASSERT_TRUE(conn);
    OptionSet options;
    options.values = Value(Object{
        {"query", Value("SELECT id, company, updated_at FROM crm_customers WHERE id <= :top")},
        {"params", Value(Object{{"top", Value(int64_t{40})}})}});
    auto acme = filter::Filter::parse("company = 'ACME'");
    ASSERT_TRUE(acme.ok());
    ReadRequest req;
    req.object = "recent";
    req.id_field = "id";
    req.options = &options;
    req.filter = &*acme;
    req.cursor_field = "updated_at";
    req.cursor_from = Value(*DateTime::parse("2024-01-01T00:00:20Z"));
    // ids 20..40 (21) less the multiples of 3 among them (7)
    EXPECT_EQ(counted(*conn, req), 14);
    EXPECT_EQ(read_size(*conn, req), 14);
  }
};

}  // namespace crmsync::testing
