#include <gtest/gtest.h>

#include <chrono>

#include "connectors/rest/rest_text.h"
#include "core/json.h"
#include "integration/rest_connector/rest_fixture.h"

namespace crmsync::testing {
namespace {

class RestConnector : public RestFixture {};

TEST_F(RestConnector, LogsInWithMd5PasswordAndPagesByCursor) {
  for (int i = 0; i < 25; ++i)
    server.add_customer("C" + std::to_string(i), "Name " + std::to_string(i));
  ASSERT_NO_FATAL_FAILURE(connect());
  ASSERT_TRUE(conn->check().ok());
  server.clear_queries();
  auto recs = read_all("customers", 7);
  ASSERT_EQ(recs.size(), 25u);
  EXPECT_EQ(recs[0].id(), "1000");
  EXPECT_EQ(recs[24].get("code")->to_text(), "C24");
  EXPECT_TRUE(recs[3].get("updatedAt")->is_datetime());  // changed_field read as a timestamp
  // 3 pages of 10: cursor from the body, size sent.
  EXPECT_EQ(count_queries("GET /api/customers?limit=10"), 1u);
  EXPECT_EQ(count_queries("GET /api/customers?cursor=10&limit=10"), 1u);
  EXPECT_EQ(count_queries("GET /api/customers?cursor=20&limit=10"), 1u);
  EXPECT_EQ(count_queries("GET /api/customers"), 3u);
  EXPECT_EQ(server.logins(), 1);
}

TEST_F(RestConnector, ExpiredSessionLogsInAgainOnceAndGoesOn) {
  for (int i = 0; i < 12; ++i) server.add_customer("C" + std::to_string(i), "N");
  ASSERT_NO_FATAL_FAILURE(connect());
  EXPECT_EQ(read_all("customers").size(), 12u);
  EXPECT_EQ(server.logins(), 1);
  server.expire_sessions();
  EXPECT_EQ(read_all("customers").size(), 12u);
  EXPECT_EQ(server.logins(), 2);
}

TEST_F(RestConnector, WrongPasswordIsAnAuthErrorWithoutThePassword) {
  ASSERT_NO_FATAL_FAILURE(connect(session_auth("not-the-password")));
  Status s = conn->check();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::auth);
  EXPECT_NE(s.error().message.find("wrong user name or password"), std::string::npos);
  EXPECT_EQ(s.error().message.find("not-the-password"), std::string::npos);
  EXPECT_EQ(s.error().message.find(md5_hex("not-the-password")), std::string::npos);
}

TEST_F(RestConnector, WaitsOutA429ForItsRetryAfter) {
  server.add_customer("C1", "N");
  ASSERT_NO_FATAL_FAILURE(connect());
  ASSERT_TRUE(conn->check().ok());
  server.throttle(1, 1);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(read_all("customers").size(), 1u);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(server.throttled(), 1);
  EXPECT_GE(secs, 0.9);
}

TEST_F(RestConnector, PersistentThrottlingIsRetryableWithTheServersWait) {
  ASSERT_NO_FATAL_FAILURE(connect());
  ASSERT_TRUE(conn->check().ok());
  server.throttle(10, 0);
  ReadRequest req;
  req.object = "customers";
  auto reader = conn->read(req);
  ASSERT_TRUE(reader.ok());
  std::vector<Record> b;
  auto more = (*reader)->next(b);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.error().kind, ErrorKind::retryable);
  EXPECT_NE(more.error().message.find("429"), std::string::npos);
  EXPECT_EQ(server.throttled(), 3);  // max_attempts
}

TEST_F(RestConnector, LinkHeaderPagesAndNestedLinesAsArrays) {
  for (int i = 0; i < 23; ++i) server.add_invoice("INV-" + std::to_string(i), 1 + i % 3);
  ASSERT_NO_FATAL_FAILURE(connect());
  server.clear_queries();
  auto recs = read_all("invoices");
  ASSERT_EQ(recs.size(), 23u);
  EXPECT_EQ(recs[22].id(), "INV-22");
  EXPECT_EQ(count_queries("GET /api/invoices"), 3u);
  const Value* lines = recs[2].get("lines");
  ASSERT_NE(lines, nullptr);
  ASSERT_TRUE(lines->is_array());
  ASSERT_EQ(lines->as_array().size(), 3u);
  EXPECT_EQ(lines->as_array()[2].find("sku")->to_text(), "SKU-3");
  EXPECT_EQ(lines->as_array()[2].find("price")->to_text(), "9.50");  // exact decimal
}

TEST_F(RestConnector, ChangedSinceIsSentAndFilteredInProcess) {
  for (int i = 0; i < 5; ++i) server.add_customer("C" + std::to_string(i), "N");
  ASSERT_NO_FATAL_FAILURE(connect());
  auto all = read_all("customers");
  ASSERT_EQ(all.size(), 5u);
  Value since = *all[3].get("updatedAt");
  server.clear_queries();
  auto recent = read_all("customers", 500, since);
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].get("code")->to_text(), "C3");
  EXPECT_EQ(count_queries("GET /api/customers?limit=10&updated_since=" +
                          since.as_datetime().to_iso8601()),
            1u);
}

TEST_F(RestConnector, WritesGiveOneResultPerRecordAnd422ParksOnlyThatRecord) {
  ASSERT_NO_FATAL_FAILURE(connect());
  std::vector<WriteItem> items(3);
  items[0].record.set("code", Value("A1"));
  items[0].record.set("name", Value("Alpha"));
  items[1].record.set("code", Value("B2"));  // no name: 422
  items[2].record.set("code", Value("C3"));
  items[2].record.set("name", Value("Gamma"));
  WriteRequest req;
  req.object = "customers";
  req.items = items;
  auto res = conn->write(req);
  ASSERT_TRUE(res.ok()) << res.error().message;
  ASSERT_EQ(res->size(), 3u);
  EXPECT_TRUE((*res)[0].ok);
  EXPECT_TRUE((*res)[0].created);
  EXPECT_EQ((*res)[0].target_id, "1000");
  EXPECT_FALSE((*res)[1].ok);
  EXPECT_EQ((*res)[1].error.kind, ErrorKind::rejected);
  EXPECT_NE((*res)[1].error.message.find("name is required"), std::string::npos);
  EXPECT_NE((*res)[1].error.message.find("422"), std::string::npos);
  EXPECT_TRUE((*res)[2].ok);
  EXPECT_EQ(server.customers().size(), 2u);

  std::vector<WriteItem> more(2);
  more[0].op = WriteOp::update;
  more[0].target_id = (*res)[2].target_id;
  more[0].record.set("name", Value("Gamma 2"));
  more[1].op = WriteOp::remove;
  more[1].target_id = (*res)[0].target_id;
  req.items = more;
  auto res2 = conn->write(req);
  ASSERT_TRUE(res2.ok());
  EXPECT_TRUE((*res2)[0].ok);
  EXPECT_TRUE((*res2)[1].ok);
  auto left = server.customers();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].find("name")->to_text(), "Gamma 2");
}

TEST_F(RestConnector, SearchByFieldAndReadByIds) {
  for (int i = 0; i < 15; ++i)
    server.add_customer("C" + std::to_string(i), "N" + std::to_string(i));
  ASSERT_NO_FATAL_FAILURE(connect());
  std::vector<Value> want{Value("C12"), Value("C99")};
  auto found = conn->search("customers", "", "code", want);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].id(), "1012");
  EXPECT_EQ((*found)[0].get("name")->to_text(), "N12");

  std::vector<std::string> ids{"1003", "999999"};
  auto got = conn->read_by_ids("customers", "", ids);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), 1u);  // the missing id is simply absent
  EXPECT_EQ((*got)[0].get("code")->to_text(), "C3");
}

TEST_F(RestConnector, NestedArrayIsSentInTheBody) {
  ASSERT_NO_FATAL_FAILURE(connect());
  Record pi;
  pi.set("customerCode", Value("C1"));
  pi.set("dataRows", Value(Array{Value(Object{{"productCode", Value("P1")},
                                              {"quantity", Value(int64_t{2})},
                                              {"price", Value(*Decimal::parse("10.25"))}}),
                                 Value(Object{{"productCode", Value("P2")},
                                              {"quantity", Value(int64_t{1})},
                                              {"price", Value(*Decimal::parse("3.00"))}})}));
  std::vector<WriteItem> items(1);
  items[0].record = pi;
  WriteRequest req;
  req.object = "preinvoices";
  req.items = items;
  auto res = conn->write(req);
  ASSERT_TRUE(res.ok());
  ASSERT_TRUE((*res)[0].ok) << (*res)[0].error.message;
  EXPECT_EQ((*res)[0].target_id.rfind("PI-", 0), 0u);
  auto stored = server.preinvoices();
  ASSERT_EQ(stored.size(), 1u);
  const Value* rows = stored[0].find("dataRows");
  ASSERT_TRUE(rows && rows->is_array());
  ASSERT_EQ(rows->as_array().size(), 2u);
  EXPECT_EQ(rows->as_array()[0].find("price")->to_text(), "10.25");
  EXPECT_EQ(rows->as_array()[1].find("productCode")->to_text(), "P2");
}

TEST_F(RestConnector, AnUndeclaredObjectIsFatalAndNamesTheDeclaredOnes) {
  ASSERT_NO_FATAL_FAILURE(connect());
  ReadRequest req;
  req.object = "vendors";
  auto r = conn->read(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::fatal);
  EXPECT_NE(r.error().message.find("customers"), std::string::npos);
}

TEST_F(RestConnector, ObjectDeclarationErrorsAreReportedByValidate) {
  std::string yaml = connection_yaml(server.url(), session_auth("x"));
  yaml.replace(yaml.find("pagination: cursor"), 18, "pagination: cursors");
  LoadResult loaded = load_config_text(yaml, "crmsync.yaml");
  ASSERT_TRUE(loaded.ok());
  Diagnostics d = ConnectorRegistry::instance().validate(*loaded.config.connection("finance"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].to_string().find("objects.customers"), std::string::npos) << d[0].to_string();
  EXPECT_NE(d[0].to_string().find("pagination"), std::string::npos) << d[0].to_string();
}

}  // namespace
}  // namespace crmsync::testing
