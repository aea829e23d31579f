#pragma once

// The Salesforce org and the BottleCRM database of story S2's scenario test:
// sandbox records written as a data dir (one JSON array per object, "@Obj:i"
// for the i-th record of Obj), with the awkward cases the target's rules are
// for: names differing only in case from a row already in BottleCRM, products
// without a ProductCode, country names, a country that fits no varchar(3)
// (its account fails; a contact and an order under it wait as "parent
// failed"), a quote name longer than the estimate's title.

#include <string>

#include "core/json.h"
#include "support/temp_dir.h"

namespace crmsync::testing::s2 {

constexpr int kProducts = 6;  // the last two have no ProductCode
constexpr int kAccounts = 14;
constexpr int kHooli = 12;       // "Hooli": BottleCRM already has "HOOLI"
constexpr int kBadAccount = 13;  // BillingCountry "Republic of Moldova"
constexpr int kContacts = 22;    // 20 plain, 20 under the bad account, 21 under Hooli
constexpr int kOpportunities = 12;
constexpr int kOrders = 7;  // order 6 belongs to the bad account
constexpr int kOrderItems = 12;
constexpr int kQuotes = 5;
constexpr int kQuoteLines = 10;

inline const char* const kStages[] = {
    "Prospecting",        "Qualification", "Needs Analysis", "Proposal/Price Quote",
    "Negotiation/Review", "Closed Won",    "Closed Lost"};
inline const char* const kStageChoices[] = {"PROSPECTING", "QUALIFICATION", "QUALIFICATION",
                                            "PROPOSAL",    "NEGOTIATION",   "CLOSED_WON",
                                            "CLOSED_LOST"};
inline const char* const kQuoteStatus[] = {"Draft", "Presented", "Accepted", "Denied",
                                           "Needs Review"};
inline const char* const kEstimateStatus[] = {"Draft", "Sent", "Accepted", "Declined", "Draft"};
inline const char* const kCountries[] = {"United States", "DE", "Germany", ""};
inline const char* const kIsoCountries[] = {"US", "DE", "DE", ""};

inline std::string account_name(int i) {
  if (i == kHooli) return "Hooli";
  if (i == kBadAccount) return "Bad Country Ltd";
  return "Company " + std::to_string(i);
}

inline std::string long_quote_name() {
  return "Quote 4 " + std::string(120, 'x');
}

inline Value o(std::initializer_list<Member> m) {
  return Value(Object(m));
}

inline Value num(const char* text) {
  return Value(*Decimal::parse(text));
}

inline void write_salesforce_data(const TempDir& dir) {
  Array products, accounts, contacts, opps, orders, items, quotes, lines;
  for (int i = 0; i < kProducts; ++i) {
    Object p{{"Name", Value("Product " + std::to_string(i))},
             {"Family", Value("Hardware")},
             {"IsActive", Value(i != 1)},
             {"Description", Value("product " + std::to_string(i))}};
    if (i < kProducts - 2) p.push_back({"ProductCode", Value("SKU-" + std::to_string(i))});
    products.push_back(Value(std::move(p)));
  }
  for (int i = 0; i < kAccounts; ++i) {
    Object a{{"Name", Value(account_name(i))},
             {"Industry", Value(i % 3 == 0   ? "Technology"
                                : i % 3 == 1 ? "Banking"
                                             : "Other")},
             {"BillingStreet", Value(std::to_string(i) + " Main St")},
             {"BillingCity", Value("City " + std::to_string(i))},
             {"BillingState", Value("CA")},
             {"BillingPostalCode", Value("9000" + std::to_string(i))},
             {"NumberOfEmployees", Value(int64_t{10 * i})},
             {"AnnualRevenue", Value(int64_t{1000 * i})},
             {"Phone", Value("555-01" + std::to_string(10 + i))},
             {"Website", Value("https://c" + std::to_string(i) + ".example.com")},
             {"Description", Value("account " + std::to_string(i))}};
    std::string country = i == kBadAccount ? "Republic of Moldova" : kCountries[i % 4];
    if (!country.empty()) a.push_back({"BillingCountry", Value(country)});
    accounts.push_back(Value(std::move(a)));
  }
  for (int i = 0; i < kContacts; ++i) {
    int account = i == 20 ? kBadAccount : i == 21 ? kHooli : i % 12;
    Object c{{"FirstName", Value("First" + std::to_string(i))},
             {"LastName", Value("Last" + std::to_string(i))},
             {"Email", Value("c" + std::to_string(i) + "@example.com")},
             {"AccountId", Value("@Account:" + std::to_string(account))},
             {"Department", Value("Sales")},
             {"DoNotCall", Value(i % 2 == 1)},
             {"MailingCountry", Value("United Kingdom")},
             {"MailingCity", Value("London")}};
    if (i == 3) c.erase(c.begin());  // no FirstName: '' in a NOT NULL column
    contacts.push_back(Value(std::move(c)));
  }
  for (int i = 0; i < kOpportunities; ++i) {
    opps.push_back(o({{"Name", Value("Deal " + std::to_string(i))},
                      {"AccountId", Value("@Account:" + std::to_string(i % 12))},
                      {"StageName", Value(kStages[i % 7])},
                      {"CloseDate", Value("2026-03-" + std::to_string(10 + i))},
                      {"Amount", num("1234.56")},
                      {"Probability", Value(int64_t{i * 5})},
                      {"LeadSource", Value("Web")},
                      {"Type", Value("New Customer")}}));
  }
  for (int i = 0; i < kOrders; ++i) {
    Object r{{"AccountId", Value("@Account:" + std::to_string(i == 6 ? kBadAccount : i))},
             {"EffectiveDate", Value("2026-02-0" + std::to_string(1 + i))},
             {"Status", Value(i % 2 ? "Activated" : "Draft")},
             {"OrderNumber", Value("0000010" + std::to_string(i))},
             {"TotalAmount", num("99.90")},
             {"BillingCountry", Value("USA")},
             {"BillingCity", Value("Austin")}};
    if (i % 2 == 0) r.push_back({"Name", Value("Order " + std::to_string(i))});
    orders.push_back(Value(std::move(r)));
  }
  for (int i = 0; i < kOrderItems; ++i) {
    items.push_back(o({{"OrderId", Value("@Order:" + std::to_string(i % 6))},
                       {"Product2Id", Value("@Product2:" + std::to_string(i % kProducts))},
                       {"Quantity", num("2")},
                       {"UnitPrice", num("10.25")},
                       {"TotalPrice", num("20.50")},
                       {"Description", Value("item " + std::to_string(i))}}));
  }
  for (int i = 0; i < kQuotes; ++i) {
    quotes.push_back(o({{"Name", Value(i == 4 ? long_quote_name() : "Quote " + std::to_string(i))},
                        {"OpportunityId", Value("@Opportunity:" + std::to_string(i))},
                        {"AccountId", Value("@Account:" + std::to_string(i))},
                        {"ContactId", Value("@Contact:" + std::to_string(i))},
                        {"QuoteNumber", Value("0000" + std::to_string(i))},
                        {"Status", Value(kQuoteStatus[i])},
                        {"Subtotal", num("200.00")},
                        {"Discount", num("5.00")},
                        {"Tax", num("19.00")},
                        {"TotalPrice", num("209.00")},
                        {"ExpirationDate", Value("2026-04-30")},
                        {"Email", Value("buyer@example.com")},
                        {"Description", Value("quote notes " + std::to_string(i))}}));
  }
  for (int i = 0; i < kQuoteLines; ++i) {
    lines.push_back(o({{"QuoteId", Value("@Quote:" + std::to_string(i % kQuotes))},
                       {"Product2Id", Value("@Product2:" + std::to_string(i % kProducts))},
                       {"LineNumber", Value("0000" + std::to_string(i + 1))},
                       {"Quantity", num("1")},
                       {"UnitPrice", num("100.00")},
                       {"Subtotal", num("100.00")},
                       {"TotalPrice", num("100.00")},
                       {"Description", Value("line " + std::to_string(i))}}));
  }
  for (auto& [name, recs] : {std::pair<const char*, Array*>{"Product2", &products},
                             {"Account", &accounts},
                             {"Contact", &contacts},
                             {"Opportunity", &opps},
                             {"Order", &orders},
                             {"OrderItem", &items},
                             {"Quote", &quotes},
                             {"QuoteLineItem", &lines}}) {
    dir.write(std::string("sfdata/") + name + ".json", to_json(Value(*recs)));
  }
}

}  // namespace crmsync::testing::s2
