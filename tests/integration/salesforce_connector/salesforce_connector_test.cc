// The salesforce connector against the Salesforce sandbox (in process, on
// 127.0.0.1:0): OAuth password login, describe-typed reads over several
// pages, collections writes with per-record results, search, and a whole
// engine run with injected 503s, 429s and session expiry.
#include <gtest/gtest.h>

#include <set>

#include "connectors/registry.h"
#include "sandbox/salesforce/salesforce_sandbox.h"
#include "sf_test_env.h"
#include "support/engine_fixture.h"
#include "support/sqlite_probe.h"

namespace crmsync {
namespace {

using sandbox::salesforce::SalesforceSandbox;
using sandbox::salesforce::SalesforceSandboxOptions;

std::unique_ptr<SalesforceSandbox> start_sandbox(SalesforceSandboxOptions o = {}) {
  return testing::start_sf_sandbox(std::move(o));
}

std::unique_ptr<Connection> connect(const SalesforceSandbox& sb, const char* password = "demo") {
  return testing::connect_sf(sb, {{"query_batch_size", Value(int64_t{200})}}, password);
}

TEST(SalesforceConnector, WritesReadsPagesAndSearchesTheSandbox) {
  auto sb = start_sandbox();
  auto conn = connect(*sb);
  ASSERT_TRUE(conn->check().ok());
  auto names = make_field_names({"LastName", "FirstName", "Email", "External_Id__c", "Birthdate"});
  std::vector<WriteItem> items;
  for (int i = 0; i < 450; ++i) {
    Record r(names);
    r.value(0) = "Doe " + std::to_string(i);
    r.value(1) = "Jo";
    r.value(2) = "jo" + std::to_string(i) + "@example.com";
    r.value(3) = "EXT-" + std::to_string(i);
    r.value(4) = *Date::parse("1990-02-03");
    items.push_back({WriteOp::create, "", r});
  }
  Record no_last(make_field_names({"FirstName"}));
  no_last.value(0) = "Nameless";
  items.push_back({WriteOp::create, "", no_last});
  auto res = conn->write(WriteRequest{"Contact", "Id", "", items});
  ASSERT_TRUE(res.ok()) << res.error().message;
  for (int i = 0; i < 450; ++i) ASSERT_TRUE((*res)[i].ok) << (*res)[i].error.message;
  EXPECT_EQ((*res)[0].target_id.substr(0, 3), "003");
  EXPECT_FALSE((*res)[450].ok);
  EXPECT_EQ((*res)[450].error.kind, ErrorKind::rejected);
  EXPECT_NE((*res)[450].error.message.find("REQUIRED_FIELD_MISSING"), std::string::npos);
  EXPECT_EQ(conn->api_calls(), 1u + 3u);  // check + three collections of 200 at most

  ReadRequest req;
  req.object = "Contact";
  req.fields = {"LastName", "Email", "Birthdate", "SystemModstamp"};
  req.cursor_field = "SystemModstamp";
  req.batch_size = 100;
  auto reader = conn->read(req);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  std::vector<Record> all, batch;
  while (true) {
    auto more = (*reader)->next(batch);
    ASSERT_TRUE(more.ok()) << more.error().message;
    for (Record& r : batch) all.push_back(std::move(r));
    if (!*more) break;
  }
  ASSERT_EQ(all.size(), 450u);
  std::set<std::string> ids;
  for (const Record& r : all) ids.insert(r.id());
  EXPECT_EQ(ids.size(), 450u);
  EXPECT_TRUE(all[0].get("Birthdate")->is_date());
  EXPECT_TRUE(all[0].get("SystemModstamp")->is_datetime());
  for (size_t i = 1; i < all.size(); ++i) {
    ASSERT_LE(all[i - 1].get("SystemModstamp")->compare(*all[i].get("SystemModstamp")), 0);
  }

  std::vector<Value> wanted = {Value("EXT-7"), Value("EXT-449"), Value("EXT-none")};
  auto hits = conn->search("Contact", "Id", "External_Id__c", wanted);
  ASSERT_TRUE(hits.ok()) << hits.error().message;
  ASSERT_EQ(hits->size(), 2u);

  Record upd(make_field_names({"LastName", "External_Id__c"}));
  upd.value(0) = "Upserted";
  upd.value(1) = "EXT-7";
  Record fresh(make_field_names({"LastName", "External_Id__c"}));
  fresh.value(0) = "Brand New";
  fresh.value(1) = "EXT-NEW";
  std::vector<WriteItem> more = {{WriteOp::upsert, "", upd},
                                 {WriteOp::upsert, "", fresh},
                                 {WriteOp::remove, (*res)[1].target_id, {}}};
  auto res2 = conn->write(WriteRequest{"Contact", "Id", "External_Id__c", more});
  ASSERT_TRUE(res2.ok()) << res2.error().message;
  EXPECT_TRUE((*res2)[0].ok && !(*res2)[0].created) << (*res2)[0].error.message;
  EXPECT_TRUE((*res2)[1].ok && (*res2)[1].created) << (*res2)[1].error.message;
  EXPECT_TRUE((*res2)[2].ok) << (*res2)[2].error.message;
  auto byid = conn->read_by_ids("Contact", "Id", std::vector<std::string>{(*res)[7].target_id});
  ASSERT_TRUE(byid.ok()) << byid.error().message;
  ASSERT_EQ(byid->size(), 1u);
  EXPECT_EQ((*byid)[0].get("LastName")->as_string(), "Upserted");
}

TEST(SalesforceConnector, AWrongPasswordIsAClearSetupErrorWithoutSecrets) {
  auto sb = start_sandbox();
  auto conn = connect(*sb, "not-the-password");
  Status s = conn->check();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::fatal);
  EXPECT_NE(s.error().message.find("invalid_grant"), std::string::npos) << s.error().message;
  EXPECT_EQ(s.error().message.find("not-the-password"), std::string::npos);
  EXPECT_EQ(s.error().message.find("demo-secret"), std::string::npos);
}

class SalesforceFlow : public testing::EngineFixture {};

// SQLite people -> Salesforce Contacts by upsert on an external id, with
// faults on: every record arrives exactly once, a re-run writes nothing.
TEST_F(SalesforceFlow, UpsertsThroughFaultsExactlyOnceAndRerunsWriteNothing) {
  auto sb = start_sandbox(testing::sf_fault_options(3));
  {
    testing::SqliteProbe src(dir.file("crm.db"));
    std::string sql =
        "create table people (id text primary key, first text, last text, email text);begin;";
    for (int i = 0; i < 1000; ++i) {
      sql += "insert into people values ('P" + std::to_string(i) + "','Ann','Lee " +
             std::to_string(i) + "','a" + std::to_string(i) + "@example.com');";
    }
    src.exec(sql + "commit;");
  }
  load(R"(
connections:
  crm: {type: sqlite, path: crm.db}
)" + testing::sf_connection_yaml(*sb) +
       R"(
flows:
  people:
    source: {connection: crm, object: people, id_field: id, batch_size: 500}
    target: {connection: sf, object: Contact, external_id: External_Id__c, batch_size: 200}
    mapping:
      External_Id__c: id
      FirstName: first
      LastName: last
      Email: email
)");
  RunReport first = run();
  FlowCounts c = counts(first, "people");
  EXPECT_EQ(c.created + c.updated, 1000);
  EXPECT_EQ(c.failed, 0);
  RunReport again = run();
  FlowCounts c2 = counts(again, "people");
  EXPECT_EQ(c2.skipped, 1000);
  EXPECT_EQ(c2.created + c2.updated, 0);

  // The sandbox holds each person once.
  auto conn = connect(*sb);
  std::vector<Value> all;
  for (int i = 0; i < 1000; ++i) all.push_back(Value("P" + std::to_string(i)));
  auto hits = conn->search("Contact", "Id", "External_Id__c", all);
  ASSERT_TRUE(hits.ok()) << hits.error().message;
  EXPECT_EQ(hits->size(), 1000u);
}

}  // namespace
}  // namespace crmsync
