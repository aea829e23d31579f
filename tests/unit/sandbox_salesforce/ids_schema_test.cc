#include <gtest/gtest.h>

#include "sandbox/salesforce/ids.h"
#include "sandbox/salesforce/schema.h"

namespace crmsync::sandbox::salesforce {
namespace {

TEST(SalesforceIds, SuffixMatchesRealIds) {
  // Ids recorded from a real org (fixtures/recorded/salesforce).
  EXPECT_EQ(id_suffix("001ak00000OQTie"), "AAH");
  EXPECT_EQ(id_suffix("003ak000003dQCG"), "AA2");
  EXPECT_EQ(id_suffix("006ak00000OQ4Rx"), "AAL");
  EXPECT_EQ(id_suffix("00Qak00000696HF"), "EAY");
}

TEST(SalesforceIds, MakeIdHasPrefixLengthAndSuffix) {
  std::string id = make_id("a0X", 12345);
  EXPECT_EQ(id.size(), 18u);
  EXPECT_EQ(id.substr(0, 3), "a0X");
  EXPECT_EQ(id.substr(15), id_suffix(id.substr(0, 15)));
  EXPECT_NE(make_id("001", 1), make_id("001", 2));
}

TEST(SalesforceIds, NormalizeAcceptsFifteenAndEighteen) {
  EXPECT_EQ(normalize_id("001ak00000OQTie"), "001ak00000OQTieAAH");
  EXPECT_EQ(normalize_id("001ak00000OQTieAAH"), "001ak00000OQTieAAH");
  EXPECT_FALSE(normalize_id("001ak00000OQTieAAA"));  // wrong suffix
  EXPECT_FALSE(normalize_id("001ak00000OQTi"));
  EXPECT_FALSE(normalize_id("001ak00000OQT-e"));
}

TEST(SalesforceSchema, BuiltinHasTheObjectsAndSystemFields) {
  auto s = Schema::builtin();
  ASSERT_TRUE(s.ok()) << s.error().message;
  for (const char* name : {"Account", "Contact", "Opportunity", "Product2", "Order", "OrderItem",
                           "Quote", "User", "Loan__c"}) {
    const ObjectDef* o = s->find(name);
    ASSERT_NE(o, nullptr) << name;
    for (const char* f : {"Id", "IsDeleted", "CreatedDate", "LastModifiedDate", "SystemModstamp"}) {
      EXPECT_GE(o->field_index(f), 0) << name << "." << f;
    }
  }
  EXPECT_EQ(s->find("account")->key_prefix, "001");
  EXPECT_EQ(s->find("Quote")->key_prefix, "0Q0");
  const ObjectDef* loan = s->find("Loan__c");
  EXPECT_TRUE(loan->custom);
  const FieldDef* borrower = loan->relationship("primary_borrower__r");
  ASSERT_NE(borrower, nullptr);
  EXPECT_EQ(borrower->name, "Primary_Borrower__c");
  EXPECT_EQ(borrower->reference_to, std::vector<std::string>{"Contact"});
  EXPECT_TRUE(loan->fields[static_cast<size_t>(loan->field_index("Loan_Number__c"))].external_id);
  EXPECT_EQ(s->by_id("a0XSb0000000001"), loan);
}

TEST(SalesforceSchema, RejectsBadSchemas) {
  EXPECT_FALSE(Schema::parse("{}").ok());
  EXPECT_FALSE(
      Schema::parse(
          R"({"objects":[{"name":"A","keyPrefix":"a0A","fields":[{"name":"X","type":"blob"}]}]})")
          .ok());
  EXPECT_FALSE(
      Schema::parse(
          R"({"objects":[{"name":"A","keyPrefix":"a0A","fields":[{"name":"P","type":"reference","referenceTo":["Nope"],"relationshipName":"P"}]}]})")
          .ok());
}

}  // namespace
}  // namespace crmsync::sandbox::salesforce
