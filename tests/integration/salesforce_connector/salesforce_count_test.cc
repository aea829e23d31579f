// Connection::count against the Salesforce sandbox: SELECT COUNT() with the
// read's filter and cursor bound answers totalSize, the number of records
// read() returns for the same request, in one API call.
#include <gtest/gtest.h>

#include <atomic>

#include "connectors/salesforce/salesforce_connection.h"
#include "sf_test_env.h"

namespace crmsync {
namespace {

using sandbox::salesforce::SalesforceSandboxOptions;

constexpr int64_t kT0 = 1717243200LL * 1000000;  // 2024-06-01T12:00:00Z

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

TEST(SalesforceCount, IsWhatReadReturnsWithFilterAndCursor) {
  std::atomic<int64_t> now{kT0};
  SalesforceSandboxOptions o;
  o.clock = [&now] { return now.load(); };
  auto sb = testing::start_sf_sandbox(o);
  auto conn = testing::connect_sf(*sb, {{"query_batch_size", Value(int64_t{200})}});
  ASSERT_TRUE(conn);
  // 3 x 30 Contacts, a minute apart, half of them named Even.
  for (int wave = 0; wave < 3; ++wave) {
    now = kT0 + wave * 60LL * 1000000;
    std::vector<WriteItem> items;
    for (int i = 0; i < 30; ++i) {
      Record r(make_field_names({"LastName"}));
      r.value(0) = i % 2 == 0 ? "Even" : "Odd";
      items.push_back({WriteOp::create, "", r});
    }
    auto res = conn->write(WriteRequest{"Contact", "Id", "", items});
    ASSERT_TRUE(res.ok()) << res.error().message;
  }
  auto even = filter::Filter::parse("LastName = 'Even'");
  ASSERT_TRUE(even.ok());
  auto nobody = filter::Filter::parse("LastName = 'Nobody'");
  ASSERT_TRUE(nobody.ok());
  struct Case {
    const char* what;
    const filter::Filter* filter;
    bool cursor;
    int64_t expected;
  };
  const Case cases[] = {
      {"full read", nullptr, false, 90},       {"filter", &*even, false, 45},
      {"cursor", nullptr, true, 60},  // the second and third waves
      {"filter and cursor", &*even, true, 30}, {"filter matching nothing", &*nobody, false, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    ReadRequest req;
    req.object = "Contact";
    req.fields = {"LastName"};
    req.filter = c.filter;
    req.batch_size = 25;
    if (c.cursor) {
      req.cursor_field = "SystemModstamp";
      req.cursor_from = Value(DateTime::from_unix_seconds(kT0 / 1000000 + 60));
    }
    const uint64_t calls = conn->api_calls();
    const int64_t sandbox_calls = sb->api_requests();
    auto n = conn->count(req);
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_EQ(*n, std::optional<int64_t>(c.expected));
    EXPECT_EQ(conn->api_calls(), calls + 1);
    EXPECT_EQ(sb->api_requests(), sandbox_calls + 1);
    EXPECT_EQ(read_size(*conn, req), c.expected);
  }
}

TEST(SalesforceCount, WithDeletesCountsThroughQueryAll) {
  auto sb = testing::start_sf_sandbox();
  auto conn = testing::connect_sf(*sb);
  ASSERT_TRUE(conn);
  std::vector<WriteItem> items;
  for (int i = 0; i < 5; ++i) {
    Record r(make_field_names({"LastName"}));
    r.value(0) = "Gone " + std::to_string(i);
    items.push_back({WriteOp::create, "", r});
  }
  auto created = conn->write(WriteRequest{"Contact", "Id", "", items});
  ASSERT_TRUE(created.ok()) << created.error().message;
  std::vector<WriteItem> removals;
  for (int i = 0; i < 2; ++i) {
    Record r(make_field_names({}));
    removals.push_back({WriteOp::remove, (*created)[i].target_id, r});
  }
  auto removed = conn->write(WriteRequest{"Contact", "Id", "", removals});
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  ReadRequest req;
  req.object = "Contact";
  req.fields = {"LastName"};
  EXPECT_EQ(*conn->count(req), std::optional<int64_t>(3));
  EXPECT_EQ(read_size(*conn, req), 3);
  req.include_deleted = true;
  EXPECT_EQ(*conn->count(req), std::optional<int64_t>(5));
  EXPECT_EQ(read_size(*conn, req), 5);
}

TEST(SalesforceCount, AnUnknownObjectIsAnError) {
  auto sb = testing::start_sf_sandbox();
  auto conn = testing::connect_sf(*sb);
  ASSERT_TRUE(conn);
  ReadRequest req;
  req.object = "NoSuchThing__c";
  auto n = conn->count(req);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().message.find("INVALID_TYPE"), std::string::npos) << n.error().message;
}

}  // namespace
}  // namespace crmsync
