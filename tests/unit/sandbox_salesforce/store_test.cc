#include <gtest/gtest.h>

#include "store_fixture.h"

namespace crmsync::sandbox::salesforce {
namespace {

const SfError* error_of(const auto& v) {
  return std::get_if<SfError>(&v);
}

TEST(SalesforceStore, CreateSetsIdsStampsOwnerAndFormulaName) {
  StoreFixture f;
  std::string id = f.create("Contact", {{"FirstName", "Ada"}, {"LastName", "Lovelace"}});
  ASSERT_EQ(id.size(), 18u);
  EXPECT_EQ(id.substr(0, 3), "003");
  const Record* r = f.get("Contact", id);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->get("Name")->as_string(), "Ada Lovelace");
  EXPECT_EQ(r->get("OwnerId")->as_string(), f.user);
  EXPECT_EQ(r->get("CreatedById")->as_string(), f.user);
  EXPECT_FALSE(r->get("IsDeleted")->as_bool());
  EXPECT_EQ(r->get("SystemModstamp")->as_datetime().to_salesforce(),
            "2024-03-15T10:00:00.000+0000");
}

TEST(SalesforceStore, UpdateMovesStampsAndKeepsCreatedDate) {
  StoreFixture f;
  std::string id = f.create("Account", {{"Name", "Acme"}});
  f.now += 5'000'000;
  auto t = f.txn();
  ASSERT_FALSE(error_of(
      t->update(f.def("Account"), id, {{"Name", "Acme 2"}, {"AnnualRevenue", "1200.50"}})));
  t->commit();
  const Record* r = f.get("Account", id);
  EXPECT_EQ(r->get("Name")->as_string(), "Acme 2");
  EXPECT_EQ(r->get("AnnualRevenue")->to_text(), "1200.50");
  EXPECT_EQ(r->get("CreatedDate")->as_datetime().to_salesforce(), "2024-03-15T10:00:00.000+0000");
  EXPECT_EQ(r->get("LastModifiedDate")->as_datetime().to_salesforce(),
            "2024-03-15T10:00:05.000+0000");
}

TEST(SalesforceStore, ValidationErrorsAreSalesforces) {
  StoreFixture f;
  auto t = f.txn();
  auto missing = t->create(f.def("Contact"), {{"FirstName", "X"}});
  ASSERT_TRUE(error_of(missing));
  EXPECT_EQ(error_of(missing)->code, "REQUIRED_FIELD_MISSING");
  EXPECT_EQ(error_of(missing)->message, "Required fields are missing: [LastName]");
  EXPECT_EQ(error_of(missing)->fields, std::vector<std::string>{"LastName"});

  auto unknown = t->create(f.def("Account"), {{"Name", "A"}, {"Nope__c", 1}});
  EXPECT_EQ(error_of(unknown)->code, "INVALID_FIELD");
  auto readonly =
      t->create(f.def("Account"), {{"Name", "A"}, {"CreatedDate", "2024-01-01T00:00:00Z"}});
  EXPECT_EQ(error_of(readonly)->code, "INVALID_FIELD_FOR_INSERT_UPDATE");
  auto bad_ref = t->create(f.def("Contact"), {{"LastName", "A"}, {"AccountId", "001Sb0000000zzz"}});
  EXPECT_EQ(error_of(bad_ref)->code, "INVALID_CROSS_REFERENCE_KEY");
  auto malformed = t->create(f.def("Contact"), {{"LastName", "A"}, {"AccountId", "garbage"}});
  EXPECT_EQ(error_of(malformed)->code, "MALFORMED_ID");
  auto bad_date = t->create(f.def("Contact"), {{"LastName", "A"}, {"Birthdate", "yesterday"}});
  EXPECT_EQ(error_of(bad_date)->code, "JSON_PARSER_ERROR");

  ASSERT_FALSE(error_of(t->create(f.def("Account"), {{"Name", "A"}, {"External_Id__c", "X-1"}})));
  auto dup = t->create(f.def("Account"), {{"Name", "B"}, {"External_Id__c", "x-1"}});
  EXPECT_EQ(error_of(dup)->code, "DUPLICATE_VALUE");
  EXPECT_NE(error_of(dup)->message.find(
                "duplicate value found: External_Id__c duplicates value on record with id: 001"),
            std::string::npos);
}

TEST(SalesforceStore, DeleteIsSoftAndSecondDeleteSaysDeleted) {
  StoreFixture f;
  std::string id = f.create("Account", {{"Name", "Gone"}, {"External_Id__c", "G-1"}});
  f.now += 1'000'000;
  auto t = f.txn();
  ASSERT_FALSE(error_of(t->remove(f.def("Account"), id)));
  auto again = t->remove(f.def("Account"), id);
  EXPECT_EQ(error_of(again)->code, "ENTITY_IS_DELETED");
  t->commit();
  EXPECT_TRUE(f.get("Account", id)->get("IsDeleted")->as_bool());
  EXPECT_EQ(f.store.deleted_micros(f.def("Account"), id), f.now);
  // A deleted record frees its unique external id.
  EXPECT_NE(f.create("Account", {{"Name", "New"}, {"External_Id__c", "G-1"}}), "");
}

TEST(SalesforceStore, UpsertCreatesUpdatesAndReportsMultipleMatches) {
  StoreFixture f;
  auto t = f.txn();
  auto a = t->upsert(f.def("Loan__c"), "Loan_Number__c", "LN-9", {{"Name", "L9"}});
  ASSERT_FALSE(error_of(a));
  EXPECT_TRUE(std::get<Store::Txn::Upserted>(a).created);
  auto b = t->upsert(f.def("Loan__c"), "Loan_Number__c", "LN-9", {{"Name", "L9b"}});
  EXPECT_FALSE(std::get<Store::Txn::Upserted>(b).created);
  EXPECT_EQ(std::get<Store::Txn::Upserted>(b).id, std::get<Store::Txn::Upserted>(a).id);
  ASSERT_FALSE(error_of(t->create(f.def("Account"), {{"Name", "A"}, {"Legacy_Id__c", "L"}})));
  ASSERT_FALSE(error_of(t->create(f.def("Account"), {{"Name", "B"}, {"Legacy_Id__c", "L"}})));
  auto multi = t->upsert(f.def("Account"), "Legacy_Id__c", "L", {{"Name", "C"}});
  EXPECT_EQ(error_of(multi)->http_status, 300);
  auto wrong = t->upsert(f.def("Account"), "Name", "A", {});
  EXPECT_EQ(error_of(wrong)->code, "NOT_FOUND");
  t->commit();
  EXPECT_EQ(f.get("Loan__c", std::get<Store::Txn::Upserted>(a).id)->get("Name")->as_string(),
            "L9b");
}

TEST(SalesforceStore, RollbackUndoesEverythingAndEmitsNothing) {
  StoreFixture f;
  std::string keep = f.create("Account", {{"Name", "Keep"}, {"External_Id__c", "K"}});
  int events = 0;
  f.store.add_listener([&](const ChangeEvent&) { ++events; });
  {
    auto t = f.txn();
    ASSERT_FALSE(
        error_of(t->create(f.def("Account"), {{"Name", "Temp"}, {"External_Id__c", "T"}})));
    ASSERT_FALSE(error_of(
        t->update(f.def("Account"), keep, {{"Name", "Changed"}, {"External_Id__c", "K2"}})));
    ASSERT_FALSE(error_of(t->remove(f.def("Account"), keep)));
  }  // destroyed without commit
  EXPECT_EQ(events, 0);
  EXPECT_EQ(f.store.table(f.def("Account")).rows.size(), 1u);
  EXPECT_EQ(f.get("Account", keep)->get("Name")->as_string(), "Keep");
  EXPECT_FALSE(f.get("Account", keep)->get("IsDeleted")->as_bool());
  EXPECT_EQ(
      f.store.find_by_key(f.def("Account"), f.def("Account").field_index("External_Id__c"), "K")
          .size(),
      1u);
  EXPECT_TRUE(
      f.store.find_by_key(f.def("Account"), f.def("Account").field_index("External_Id__c"), "T")
          .empty());
}

TEST(SalesforceStore, EventsCarryChangedFields) {
  StoreFixture f;
  std::vector<ChangeEvent> seen;
  f.store.add_listener([&](const ChangeEvent& e) { seen.push_back(e); });
  std::string id = f.create("Account", {{"Name", "Acme"}});
  auto t = f.txn();
  ASSERT_FALSE(error_of(t->update(f.def("Account"), id, {{"Name", "Acme 2"}, {"Phone", nullptr}})));
  t->commit();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].type, ChangeEvent::Type::create);
  EXPECT_EQ(seen[1].changed_fields, (std::vector<std::string>{"Name", "LastModifiedDate"}));
}

TEST(SalesforceSeed, IsDeterministic) {
  StoreFixture a, b;
  ASSERT_TRUE(seed_records(a.store, a.user, 20).ok());
  ASSERT_TRUE(seed_records(b.store, b.user, 20).ok());
  const Table& ta = a.store.table(a.def("Loan__c"));
  const Table& tb = b.store.table(b.def("Loan__c"));
  ASSERT_EQ(ta.rows.size(), 20u);
  for (size_t i = 0; i < ta.rows.size(); ++i) {
    EXPECT_EQ(ta.rows[i].id(), tb.rows[i].id());
    EXPECT_TRUE(ta.rows[i].get("Amount__c")->operator==(*tb.rows[i].get("Amount__c")));
    EXPECT_EQ(ta.rows[i].get("Primary_Borrower__c")->as_string(),
              tb.rows[i].get("Primary_Borrower__c")->as_string());
  }
  EXPECT_EQ(a.store.table(a.def("Account")).rows.size(), 20u);
  EXPECT_EQ(a.store.table(a.def("Product2")).rows.size(), 20u);
}

}  // namespace
}  // namespace crmsync::sandbox::salesforce
