// The Salesforce connector's parsers against real answers recorded from
// Salesforce (../shared/fixtures/recorded/salesforce, read-only).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "connectors/registry.h"
#include "connectors/salesforce/salesforce_client.h"
#include "connectors/salesforce/salesforce_json.h"
#include "connectors/salesforce/salesforce_soql.h"
#include "core/json.h"

namespace crmsync {
namespace {

namespace fs = std::filesystem;

fs::path fixtures() {
  return fs::path(CRMSYNC_SOURCE_DIR) / ".." / "shared" / "fixtures" / "recorded" / "salesforce";
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SalesforceParsers, EveryRecordedJsonBodyParses) {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(fixtures())) {
    if (e.path().extension() != ".json") continue;
    auto v = parse_json(read_file(e.path()));
    EXPECT_TRUE(v.ok()) << e.path() << ": " << (v.ok() ? "" : v.error().message);
    ++n;
  }
  EXPECT_GE(n, 30);
}

TEST(SalesforceParsers, QueryPagesBecomeTypedRecords) {
  for (const char* name :
       {"read-list-contacts.json", "read-list-leads.json", "read-opportunity-with-account.json",
        "read-opportunity-with-contacts.json"}) {
    std::string body = read_file(fixtures() / name);
    auto raw = parse_json(body);
    ASSERT_TRUE(raw.ok());
    auto page = parse_query_page(body, make_field_names({"Id"}), {});
    ASSERT_TRUE(page.ok()) << name << ": " << page.error().message;
    EXPECT_EQ(page->records.size(), raw->find("records")->as_array().size()) << name;
    EXPECT_TRUE(page->next_records_url.empty()) << name;  // done: true
    for (const Record& r : page->records) EXPECT_EQ(r.get("attributes"), nullptr);
  }
  auto page = parse_query_page(read_file(fixtures() / "read-opportunity-with-account.json"),
                               make_field_names({"Id", "Amount"}), {});
  ASSERT_TRUE(page.ok());
  const Record& first = page->records[0];
  EXPECT_EQ(first.id(), "006ak00000OQ4RxAAL");
  ASSERT_TRUE(first.get("Amount")->is_decimal());  // 50000.00 stays exact
  EXPECT_EQ(first.get("Amount")->to_text(), "50000.00");
  EXPECT_TRUE(page->records[1].get("AccountId")->is_null());
}

TEST(SalesforceParsers, ParentObjectsNestAndDatesAreTypedByDescribe) {
  std::string body = R"({"totalSize":3,"done":false,
    "nextRecordsUrl":"/services/data/v60.0/query/01gXX-2000",
    "records":[{"attributes":{"type":"Contact","url":"/x"},"Id":"003XX","IsDeleted":true,
      "Birthdate":"1990-02-03","SystemModstamp":"2024-01-01T12:00:00.000+0000",
      "Account":{"attributes":{"type":"Account","url":"/y"},"Name":"Acme"}}]})";
  SalesforceFieldTypes types = {{"Birthdate", "date"}, {"SystemModstamp", "datetime"}};
  auto page = parse_query_page(
      body, make_field_names({"Id", "Birthdate", "SystemModstamp", "Account", "IsDeleted"}), types);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->next_records_url, "/services/data/v60.0/query/01gXX-2000");
  const Record& r = page->records.at(0);
  EXPECT_TRUE(r.deleted());
  EXPECT_TRUE(r.get("Birthdate")->is_date());
  ASSERT_TRUE(r.get("SystemModstamp")->is_datetime());
  EXPECT_EQ(r.get("SystemModstamp")->as_datetime().to_salesforce(), "2024-01-01T12:00:00.000+0000");
  ASSERT_NE(r.get_path("Account.Name"), nullptr);
  EXPECT_EQ(r.get_path("Account.Name")->as_string(), "Acme");
  EXPECT_EQ(r.get_path("Account.attributes"), nullptr);
}

TEST(SalesforceParsers, CollectionResultsKeepEachRecordsOutcome) {
  auto ok = parse_collection_results(
      read_file(fixtures() / "batch" / "create" / "contacts" / "success.json"), 2);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE((*ok)[0].ok);
  EXPECT_EQ((*ok)[1].target_id, "003ak00000luKU2AAM");

  auto partial = parse_collection_results(
      read_file(fixtures() / "batch" / "create" / "contacts" / "partial-but-allOrNone.json"), 2);
  ASSERT_TRUE(partial.ok());
  EXPECT_FALSE((*partial)[0].ok);
  EXPECT_EQ((*partial)[0].error.kind, ErrorKind::rejected);
  EXPECT_NE((*partial)[0].error.message.find("REQUIRED_FIELD_MISSING"), std::string::npos);
  EXPECT_NE((*partial)[0].error.message.find("LastName"), std::string::npos);
  // Rolled back only because of the other record: worth sending again.
  EXPECT_EQ((*partial)[1].error.kind, ErrorKind::retryable);

  auto wrong_count = parse_collection_results(
      read_file(fixtures() / "batch" / "update" / "contacts" / "success.json"), 7);
  ASSERT_FALSE(wrong_count.ok());
  EXPECT_EQ(wrong_count.error().kind, ErrorKind::fatal);
}

TEST(SalesforceParsers, ErrorBodiesNameTheCodeAndTheField) {
  std::string unknown_field = read_file(fixtures() / "unknown-field.json");
  EXPECT_EQ(salesforce_error_code(unknown_field), "INVALID_FIELD");
  EXPECT_NE(salesforce_error_text(unknown_field).find("AccountNumer"), std::string::npos);
  EXPECT_EQ(salesforce_error_kind("INVALID_FIELD", 400), ErrorKind::fatal);
  std::string upsert = read_file(fixtures() / "invalid-field-upsert.json");
  EXPECT_NE(salesforce_error_text(upsert).find("(fields: MasterRecordId)"), std::string::npos);
  EXPECT_EQ(salesforce_error_code(read_file(fixtures() / "unknown-object.json")), "INVALID_TYPE");
  EXPECT_EQ(salesforce_error_kind("INVALID_SESSION_ID", 401), ErrorKind::auth);
  EXPECT_EQ(salesforce_error_kind("", 503), ErrorKind::retryable);
  EXPECT_EQ(salesforce_error_kind("REQUEST_LIMIT_EXCEEDED", 403), ErrorKind::fatal);
}

TEST(SalesforceParsers, SoqlLiteralsEscapeAndRoundCursorsDown) {
  EXPECT_EQ(soql_literal(Value("O'Brien \\ Co")), "'O\\'Brien \\\\ Co'");
  EXPECT_EQ(soql_literal(Value(*DateTime::parse("2024-01-01T12:00:05.750+0200"))),
            "2024-01-01T10:00:05Z");
  EXPECT_EQ(soql_literal(Value(*Date::parse("2024-02-29"))), "2024-02-29");
  EXPECT_EQ(soql_literal(Value(*Decimal::parse("12.50"))), "12.50");
  EXPECT_EQ(soql_literal(Value()), "null");
  EXPECT_EQ(soql_select({"Name", "Id", "Account.Name", "Name"}, "Contact"),
            "SELECT Id, Name, Account.Name FROM Contact");
  std::vector<Value> ids = {Value("a"), Value("b")};
  EXPECT_EQ(soql_in("Ext__c", ids), "Ext__c IN ('a', 'b')");
}

TEST(SalesforceParsers, RecordBodiesForWrites) {
  Record r(make_field_names({"Id", "LastName", "Amount__c", "Seen__c"}));
  r.value(0) = "003XX";
  r.value(1) = "Doe \"J\"";
  r.value(2) = *Decimal::parse("10.10");
  r.value(3) = *DateTime::parse("2024-05-01T10:00:00+02:00");
  std::string out;
  append_record_json(r, "Contact", "003XX", out);
  EXPECT_EQ(out, R"({"attributes":{"type":"Contact"},"id":"003XX","LastName":"Doe \"J\"",)"
                 R"("Amount__c":10.10,"Seen__c":"2024-05-01T08:00:00.000+0000"})");
}

TEST(SalesforceParsers, EachAuthModeSaysWhatItLacks) {
  ConnectionConfig c;
  c.name = "sf";
  c.type = "salesforce";
  c.options.values = Value(Object{{"auth", Value("password")}, {"username", Value("u")}});
  auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{"."});
  ASSERT_FALSE(conn.ok());
  EXPECT_NE(conn.error().message.find("password, client_id, client_secret"), std::string::npos)
      << conn.error().message;
  c.options.values =
      Value(Object{{"auth", Value("access_token")}, {"access_token", Value("00Dsecret!token")}});
  conn = ConnectorRegistry::instance().create(c, ConnectorContext{"."});
  ASSERT_FALSE(conn.ok());
  EXPECT_NE(conn.error().message.find("instance_url"), std::string::npos);
  EXPECT_EQ(conn.error().message.find("00Dsecret"), std::string::npos);
}

}  // namespace
}  // namespace crmsync
