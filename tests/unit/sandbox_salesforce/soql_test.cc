#include <gtest/gtest.h>

#include "core/json.h"
#include "sandbox/salesforce/soql_exec.h"
#include "store_fixture.h"

namespace crmsync::sandbox::salesforce {
namespace {

struct SoqlFixture : StoreFixture {
  std::string acme, globex, ada, bob, loan1, loan2;
  SoqlFixture() {
    acme = create("Account", {{"Name", "Acme"}, {"Industry", "Banking"}});
    globex = create("Account", {{"Name", "Globex"}});
    ada = create("Contact", {{"FirstName", "Ada"},
                             {"LastName", "Lovelace"},
                             {"AccountId", acme},
                             {"Email", "ada@example.com"}});
    bob = create("Contact", {{"LastName", "Bob"}});
    now += 86400LL * 1000000 * 3;  // three days later
    loan1 = create("Loan__c", {{"Name", "L1"},
                               {"Loan_Officer__c", "Jake Elmendorf"},
                               {"Primary_Borrower__c", ada},
                               {"Amount__c", "1000.00"},
                               {"CloseDate__c", "2024-04-01"}});
    loan2 = create("Loan__c", {{"Name", "L2"},
                               {"Loan_Officer__c", "Maria Chen"},
                               {"Primary_Borrower__c", bob},
                               {"Amount__c", "250.50"}});
  }

  // The JSON of the whole answer as {"totalSize":..,"records":[..]}, or the error.
  std::variant<std::string, SfError> run(const std::string& soql, bool all = false) {
    auto q = parse_soql(soql);
    if (auto* e = std::get_if<SfError>(&q)) return *e;
    auto r = run_query(store, std::get<SoqlQuery>(q), all);
    if (auto* e = std::get_if<SfError>(&r)) return *e;
    const QueryResult& res = std::get<QueryResult>(r);
    std::string out = "{\"totalSize\":" + std::to_string(res.rows.size()) + ",\"records\":[";
    if (!res.count_only) {
      auto lock = store.read_lock();
      render_records(store, res, 0, res.rows.size(), "50.0", out);
    }
    return out + "]}";
  }
  Value records(const std::string& soql) {
    auto r = run(soql);
    EXPECT_TRUE(std::holds_alternative<std::string>(r))
        << soql << ": " << (std::holds_alternative<SfError>(r) ? std::get<SfError>(r).message : "");
    if (!std::holds_alternative<std::string>(r)) return Value();
    return *parse_json(std::get<std::string>(r))->find("records");
  }
  std::string names(const std::string& soql, const char* field = "Name") {
    std::string out;
    Value recs = records(soql);
    if (!recs.is_array()) return "<error>";
    for (const Value& r : recs.as_array()) {
      out += (out.empty() ? "" : ",") + r.find(field)->to_text();
    }
    return out;
  }
  SfError error(const std::string& soql) {
    auto r = run(soql);
    EXPECT_TRUE(std::holds_alternative<SfError>(r)) << soql;
    return std::holds_alternative<SfError>(r) ? std::get<SfError>(r) : SfError{};
  }
};

TEST(SalesforceSoql, SelectsFieldsWithAttributesInSelectOrder) {
  SoqlFixture f;
  Value recs = f.records("SELECT Name, Id FROM Account WHERE Name = 'acme'");
  ASSERT_EQ(recs.as_array().size(), 1u);
  const Object& o = recs.as_array()[0].as_object();
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o[0].key, "attributes");
  EXPECT_EQ(o[0].value.find("url")->as_string(), "/services/data/v50.0/sobjects/Account/" + f.acme);
  EXPECT_EQ(o[1].key, "Name");
  EXPECT_EQ(o[2].key, "Id");
}

TEST(SalesforceSoql, ParentPathsNestAndFilter) {
  SoqlFixture f;
  Value recs = f.records(
      "SELECT Name, Primary_Borrower__r.Email, Primary_Borrower__r.Account.Name FROM Loan__c "
      "WHERE Primary_Borrower__r.Email LIKE 'ada%' AND Loan_Officer__c = 'Jake Elmendorf'");
  ASSERT_EQ(recs.as_array().size(), 1u);
  const Value* b = recs.as_array()[0].find("Primary_Borrower__r");
  ASSERT_TRUE(b && b->is_object());
  EXPECT_EQ(b->find("attributes")->find("type")->as_string(), "Contact");
  EXPECT_EQ(b->find("Email")->as_string(), "ada@example.com");
  EXPECT_EQ(b->find("Account")->find("Name")->as_string(), "Acme");
  Value bob = f.records("SELECT Account.Name FROM Contact WHERE LastName = 'Bob'");
  EXPECT_TRUE(bob.as_array()[0].find("Account")->is_null());
}

TEST(SalesforceSoql, SemiJoinSelectsTheContactsOfOneOfficersLoans) {
  SoqlFixture f;
  EXPECT_EQ(f.names("SELECT LastName FROM Contact WHERE Id IN (SELECT Primary_Borrower__c FROM "
                    "Loan__c WHERE Loan_Officer__c = 'Jake Elmendorf') ORDER BY LastName",
                    "LastName"),
            "Lovelace");
  EXPECT_EQ(f.names("SELECT LastName FROM Contact WHERE Id NOT IN (SELECT Primary_Borrower__c "
                    "FROM Loan__c WHERE Loan_Officer__c = 'Jake Elmendorf') ORDER BY LastName",
                    "LastName"),
            "Bob");
  EXPECT_EQ(f.names("SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact) "
                    "ORDER BY Name"),
            "Acme");
  SfError e = f.error("SELECT Id FROM Contact WHERE Id IN (SELECT Nope__c FROM Loan__c)");
  EXPECT_EQ(e.code, "INVALID_FIELD");
}

TEST(SalesforceSoql, DateLiteralsDatetimesAndNumbers) {
  SoqlFixture f;
  EXPECT_EQ(f.names("SELECT Name FROM Loan__c WHERE CreatedDate = TODAY ORDER BY Name"), "L1,L2");
  EXPECT_EQ(f.names("SELECT Name FROM Account WHERE CreatedDate = LAST_N_DAYS:2"), "");
  EXPECT_EQ(f.names("SELECT Name FROM Account WHERE CreatedDate = LAST_N_DAYS:3 ORDER BY Name"),
            "Acme,Globex");
  EXPECT_EQ(
      f.names("SELECT Name FROM Loan__c WHERE SystemModstamp > 2024-03-17T00:00:00Z ORDER BY Name"),
      "L1,L2");
  EXPECT_EQ(f.names("SELECT Name FROM Loan__c WHERE CloseDate__c < 2024-05-01"), "L1");
  EXPECT_EQ(f.names("SELECT Name FROM Loan__c WHERE Amount__c >= 1000"), "L1");
}

TEST(SalesforceSoql, OrderByNullsLimitOffsetAndCount) {
  SoqlFixture f;
  EXPECT_EQ(f.names("SELECT LastName FROM Contact ORDER BY FirstName", "LastName"), "Bob,Lovelace");
  EXPECT_EQ(f.names("SELECT LastName FROM Contact ORDER BY FirstName NULLS LAST", "LastName"),
            "Lovelace,Bob");
  EXPECT_EQ(f.names("SELECT LastName FROM Contact ORDER BY FirstName DESC", "LastName"),
            "Lovelace,Bob");
  EXPECT_EQ(f.names("SELECT Name FROM Account ORDER BY Industry DESC NULLS FIRST, Name ASC"),
            "Globex,Acme");
  EXPECT_EQ(f.names("SELECT Name FROM Account ORDER BY Name LIMIT 1 OFFSET 1"), "Globex");
  auto count = f.run("SELECT COUNT() FROM Contact WHERE LastName != null");
  EXPECT_EQ(std::get<std::string>(count), "{\"totalSize\":2,\"records\":[]}");
}

// COUNT(fieldName) counts the matching rows whose field is not null, in an
// AggregateResult under the alias or expr0, expr1, ...; COUNT() is the size.
TEST(SalesforceSoql, CountOfAFieldIsAnAggregateOfNonNullValues) {
  SoqlFixture f;
  auto q = parse_soql("SELECT COUNT(Id), COUNT(FirstName) named, COUNT(Email) FROM Contact");
  ASSERT_TRUE(std::holds_alternative<SoqlQuery>(q));
  auto r = run_query(f.store, std::get<SoqlQuery>(q), false);
  ASSERT_TRUE(std::holds_alternative<QueryResult>(r));
  using Aggregates = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(std::get<QueryResult>(r).aggregates,
            (Aggregates{{"expr0", 2}, {"named", 1}, {"expr1", 1}}));
  auto filtered = parse_soql("SELECT COUNT(Id) FROM Contact WHERE LastName = 'Bob'");
  auto rf = run_query(f.store, std::get<SoqlQuery>(filtered), false);
  EXPECT_EQ(std::get<QueryResult>(rf).aggregates, (Aggregates{{"expr0", 1}}));
  SfError mixed = f.error("SELECT LastName, COUNT(Id) FROM Contact");
  EXPECT_EQ(mixed.code, "MALFORMED_QUERY");
  EXPECT_NE(mixed.message.find("Field must be grouped or aggregated: LastName"), std::string::npos)
      << mixed.message;
  EXPECT_EQ(f.error("SELECT COUNT(), COUNT(Id) FROM Contact").code, "MALFORMED_QUERY");
  EXPECT_EQ(f.error("SELECT COUNT(Nope) FROM Contact").code, "INVALID_FIELD");
}

TEST(SalesforceSoql, QueryAllSeesDeletedRows) {
  SoqlFixture f;
  auto t = f.txn();
  auto removed = t->remove(f.def("Account"), f.globex);
  ASSERT_FALSE(std::get_if<SfError>(&removed));
  t->commit();
  EXPECT_EQ(f.names("SELECT Name FROM Account"), "Acme");
  auto all = f.run("SELECT Name, IsDeleted FROM Account WHERE IsDeleted = true", true);
  EXPECT_NE(std::get<std::string>(all).find("\"Name\":\"Globex\",\"IsDeleted\":true"),
            std::string::npos);
}

TEST(SalesforceSoql, ErrorsLookLikeSalesforce) {
  SoqlFixture f;
  SfError e = f.error("SELECT Id, Nope FROM Account");
  EXPECT_EQ(e.code, "INVALID_FIELD");
  EXPECT_EQ(e.message.substr(0, 75),
            "\nSELECT Id, Nope FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such");
  EXPECT_NE(e.message.find("No such column 'Nope' on entity 'Account'"), std::string::npos);
  EXPECT_EQ(f.error("SELECT Id FROM Accout").code, "INVALID_TYPE");
  EXPECT_EQ(f.error("SELECT Id FROM Account WHERE").code, "MALFORMED_QUERY");
  EXPECT_EQ(
      f.error("SELECT Id FROM Account WHERE").message,
      "\nSELECT Id FROM Account WHERE\n                            ^\nERROR at Row:1:Column:29\n"
      "unexpected token: <EOF>");
  EXPECT_EQ(f.error("SELECT FROM Account").code, "MALFORMED_QUERY");
  EXPECT_EQ(f.error("SELECT Id FROM Account WHERE Name = 'x' LIMIT x").code, "MALFORMED_QUERY");
  EXPECT_EQ(f.error("SELECT Id FROM Account WHERE Name = ").code, "MALFORMED_QUERY");
  EXPECT_EQ(f.error("SELECT Id FROM Account WHERE Nope = 1").code, "INVALID_FIELD");
  EXPECT_EQ(f.error("SELECT Owner.Nope__r.Name FROM Account").code, "INVALID_FIELD");
}

}  // namespace
}  // namespace crmsync::sandbox::salesforce
