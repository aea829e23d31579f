// The salesforce connector's Bulk API 2.0 paths against the sandbox: a
// 25,000-record write through one ingest job with faults on (nothing lost,
// nothing twice, bad rows reported per record), and a 50,000-record read
// through a query job that equals the REST read record for record.
#include <gtest/gtest.h>

#include <set>

#include "connectors/registry.h"
#include "connectors/salesforce/salesforce_connection.h"
#include "core/json.h"
#include "sandbox/salesforce/salesforce_sandbox.h"
#include "sf_test_env.h"

namespace crmsync {
namespace {

using sandbox::salesforce::SalesforceSandbox;
using sandbox::salesforce::SalesforceSandboxOptions;

std::unique_ptr<SalesforceSandbox> start_bulk_sandbox(SalesforceSandboxOptions o = {}) {
  o.daily_api_limit = 1'000'000;
  return testing::start_sf_sandbox(std::move(o));
}

std::unique_ptr<Connection> connect(const SalesforceSandbox& sb, int64_t bulk_threshold,
                                    int64_t bulk_query_threshold) {
  return testing::connect_sf(sb, {{"bulk_threshold", Value(bulk_threshold)},
                                  {"bulk_query_threshold", Value(bulk_query_threshold)}});
}

// Every record of a read, batch by batch.
std::vector<Record> read_all(Connection& conn, const ReadRequest& req) {
  auto reader = conn.read(req);
  EXPECT_TRUE(reader.ok()) << reader.error().message;
  std::vector<Record> all, batch;
  if (!reader.ok()) return all;
  while (true) {
    auto more = (*reader)->next(batch);
    EXPECT_TRUE(more.ok()) << more.error().message;
    if (!more.ok()) break;
    for (Record& r : batch) all.push_back(std::move(r));
    if (!*more) break;
  }
  return all;
}

// Bulk ingest jobs the sandbox holds (through the connector's own session).
size_t ingest_jobs(Connection& conn) {
  auto& sf = dynamic_cast<SalesforceConnection&>(conn);
  auto res = sf.call("GET", "/jobs/ingest");
  EXPECT_TRUE(res.ok());
  if (!res.ok()) return 0;
  auto v = parse_json(res->body);
  const Value* recs = v.ok() ? v->find("records") : nullptr;
  return recs ? recs->as_array().size() : 0;
}

TEST(SalesforceBulk, Writes25000ThroughOneJobWithFaultsNoneLostNoneTwice) {
  auto sb = start_bulk_sandbox(testing::sf_fault_options(2));
  auto conn = connect(*sb, 10000, 0);
  auto names = make_field_names({"LastName", "FirstName", "Email", "External_Id__c", "Birthdate"});
  constexpr int kGood = 25000;
  std::vector<WriteItem> items;
  for (int i = 0; i < kGood + 3; ++i) {
    Record r(names);
    // Rows 100, 200 and 300 lack the required LastName; "Lee" repeats, so
    // results must be matched on the whole row, not on one field.
    bool bad = i == 100 || i == 200 || i == 300;
    r.value(0) = bad ? Value() : Value(i % 7 == 0 ? "Lee" : "Doe, \"" + std::to_string(i) + "\"");
    r.value(1) = "Jo";
    r.value(2) = "jo" + std::to_string(i) + "@example.com";
    r.value(3) = "EXT-" + std::to_string(i);
    r.value(4) = *Date::parse("1990-02-03");
    items.push_back({WriteOp::create, "", r});
  }
  auto res = conn->write(WriteRequest{"Contact", "Id", "", items});
  ASSERT_TRUE(res.ok()) << res.error().message;
  ASSERT_EQ(res->size(), items.size());
  std::set<std::string> ids;
  for (size_t i = 0; i < items.size(); ++i) {
    const WriteResult& r = (*res)[i];
    if (i == 100 || i == 200 || i == 300) {
      EXPECT_FALSE(r.ok);
      EXPECT_EQ(r.error.kind, ErrorKind::rejected);
      EXPECT_NE(r.error.message.find("REQUIRED_FIELD_MISSING"), std::string::npos)
          << r.error.message;
      continue;
    }
    ASSERT_TRUE(r.ok) << i << ": " << r.error.message;
    EXPECT_TRUE(r.created);
    ids.insert(r.target_id);
  }
  EXPECT_EQ(ids.size(), size_t(kGood + 3 - 3));
  // Create, upload, close, one poll, two result files.
  EXPECT_EQ(conn->api_calls(), 6u);
  EXPECT_EQ(ingest_jobs(*conn), 1u);

  // The org holds each record once, under the id its result gave.
  ReadRequest req;
  req.object = "Contact";
  req.fields = {"External_Id__c", "LastName"};
  std::vector<Record> stored = read_all(*conn, req);
  ASSERT_EQ(stored.size(), size_t(kGood));
  std::set<std::string> stored_ids, exts;
  for (const Record& r : stored) {
    stored_ids.insert(r.id());
    exts.insert(r.get("External_Id__c")->as_string());
  }
  EXPECT_EQ(stored_ids, ids);
  EXPECT_EQ(exts.size(), size_t(kGood));
  for (size_t i = 0; i < items.size(); ++i) {
    if (!(*res)[i].ok) continue;
    // Spot-check that each result belongs to its own row.
    if (i % 997 != 0) continue;
    auto back = conn->read_by_ids("Contact", "Id", std::vector<std::string>{(*res)[i].target_id});
    ASSERT_TRUE(back.ok());
    ASSERT_EQ(back->size(), 1u);
    EXPECT_EQ((*back)[0].get("External_Id__c")->as_string(), "EXT-" + std::to_string(i));
  }

  // Upsert 12,000 by external id (10,000 existing, 2,000 new) and delete
  // 10,000 by id: one job each.
  auto upsert_names = make_field_names({"External_Id__c", "LastName"});
  std::vector<WriteItem> upserts;
  for (int i = 15000; i < 27000; ++i) {
    if (i == 15100 || i == 15200 || i == 15300) continue;
    Record r(upsert_names);
    r.value(0) = "EXT-" + std::to_string(i);
    r.value(1) = "Upserted";
    upserts.push_back({WriteOp::upsert, "", r});
  }
  auto up = conn->write(WriteRequest{"Contact", "Id", "External_Id__c", upserts});
  ASSERT_TRUE(up.ok()) << up.error().message;
  int created = 0;
  for (const WriteResult& r : *up) {
    ASSERT_TRUE(r.ok) << r.error.message;
    created += r.created;
  }
  EXPECT_EQ(created, 27000 - kGood - 3);
  std::vector<WriteItem> deletes;
  for (const WriteResult& r : *res) {
    if (r.ok && deletes.size() < 10000) deletes.push_back({WriteOp::remove, r.target_id, {}});
  }
  auto del = conn->write(WriteRequest{"Contact", "Id", "", deletes});
  ASSERT_TRUE(del.ok()) << del.error().message;
  for (const WriteResult& r : *del) ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(read_all(*conn, req).size(), size_t(kGood + 1997 - 10000));
  EXPECT_EQ(ingest_jobs(*conn), 3u);
}

TEST(SalesforceBulk, ABadColumnFailsTheJobAsASetupError) {
  auto sb = start_bulk_sandbox();
  auto conn = connect(*sb, 2, 0);
  auto names = make_field_names({"LastName", "Not_A_Field__c"});
  std::vector<WriteItem> items;
  for (int i = 0; i < 3; ++i) {
    Record r(names);
    r.value(0) = "X";
    r.value(1) = "Y";
    items.push_back({WriteOp::create, "", r});
  }
  auto res = conn->write(WriteRequest{"Contact", "Id", "", items});
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::fatal);
  EXPECT_NE(res.error().message.find("Field name not found : Not_A_Field__c"), std::string::npos)
      << res.error().message;
  EXPECT_NE(res.error().message.find("job 750"), std::string::npos) << res.error().message;
}

TEST(SalesforceBulk, Reads50000ThroughAQueryJobEqualToTheRestRead) {
  auto sb = start_bulk_sandbox();
  auto writer = connect(*sb, 10000, 0);
  auto account_names = make_field_names({"Name", "AnnualRevenue", "NumberOfEmployees"});
  std::vector<WriteItem> accounts;
  for (int i = 0; i < 50; ++i) {
    Record r(account_names);
    r.value(0) = "Acme " + std::to_string(i);
    r.value(1) = i % 3 ? Value(*Decimal::parse(std::to_string(i) + "000.50")) : Value();
    r.value(2) = int64_t{i * 10};
    accounts.push_back({WriteOp::create, "", r});
  }
  auto acc = writer->write(WriteRequest{"Account", "Id", "", accounts});
  ASSERT_TRUE(acc.ok()) << acc.error().message;
  auto names = make_field_names({"LastName", "Email", "Birthdate", "AccountId"});
  std::vector<WriteItem> items;
  constexpr size_t kN = 50000;
  for (size_t i = 0; i < kN; ++i) {
    Record r(names);
    r.value(0) = "Doe " + std::to_string(i);
    r.value(1) = i % 5 ? Value("d" + std::to_string(i) + "@example.com") : Value();
    r.value(2) = *Date::parse("1980-01-" + std::to_string(10 + i % 20));
    r.value(3) = i % 2 ? Value((*acc)[i % 50].target_id) : Value();
    items.push_back({WriteOp::create, "", r});
  }
  auto res = writer->write(WriteRequest{"Contact", "Id", "", items});
  ASSERT_TRUE(res.ok()) << res.error().message;

  ReadRequest req;
  req.object = "Contact";
  req.fields = {"LastName",
                "Email",
                "Birthdate",
                "AccountId",
                "Account.Name",
                "Account.AnnualRevenue",
                "Account.NumberOfEmployees",
                "SystemModstamp"};
  req.cursor_field = "SystemModstamp";
  req.batch_size = 1000;
  auto rest_conn = connect(*sb, 10000, 0);
  auto bulk_conn = connect(*sb, 10000, 40000);
  std::vector<Record> rest = read_all(*rest_conn, req);
  std::vector<Record> bulk = read_all(*bulk_conn, req);
  ASSERT_EQ(rest.size(), kN);
  ASSERT_EQ(bulk.size(), kN);
  for (size_t i = 0; i < kN; ++i) {
    ASSERT_EQ(rest[i].id(), bulk[i].id()) << i;
    ASSERT_EQ(rest[i].size(), bulk[i].size()) << i;
    for (size_t f = 0; f < rest[i].size(); ++f) {
      ASSERT_EQ(rest[i].name(f), bulk[i].name(f));
      ASSERT_TRUE(rest[i].value(f) == bulk[i].value(f))
          << i << " " << rest[i].name(f) << ": REST " << to_json(rest[i].value(f)) << " Bulk "
          << to_json(bulk[i].value(f));
    }
  }
  EXPECT_TRUE(bulk[1].get("Account")->is_object());
  EXPECT_TRUE(bulk[0].get("Account")->is_null());
  EXPECT_TRUE(bulk[0].get("Birthdate")->is_date());
  // REST: describe + 25 pages. Bulk: describe, the first REST page, a job,
  // one poll, five result pages, and a describe of Account for the nested
  // fields' types.
  EXPECT_EQ(rest_conn->api_calls(), 1u + 25u);
  EXPECT_EQ(bulk_conn->api_calls(), 1u + 1u + 1u + 1u + 5u + 1u);

  // queryAll through Bulk sees deleted records.
  std::vector<WriteItem> deletes = {{WriteOp::remove, (*res)[0].target_id, {}}};
  ASSERT_TRUE(writer->write(WriteRequest{"Contact", "Id", "", deletes}).ok());
  req.include_deleted = true;
  std::vector<Record> with_deleted = read_all(*bulk_conn, req);
  ASSERT_EQ(with_deleted.size(), kN);
  size_t deleted = 0;
  for (const Record& r : with_deleted) deleted += r.deleted();
  EXPECT_EQ(deleted, 1u);
}

}  // namespace
}  // namespace crmsync
