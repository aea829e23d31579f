// Story S2 end to end for one organisation, as a user runs it: the example
// config of examples/salesforce-to-bottlecrm run by the real binary, the
// Salesforce sandbox as the source, BottleCRM's schema (schema.sql) in a
// throwaway PostgreSQL, written by a role that is neither superuser nor
// owner, so row-level security is enforced as in production. Every row is
// checked field by field against the sandbox, every foreign key resolved.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "mapping/name_uuid.h"
#include "s2_world.h"
#include "sandbox/salesforce/salesforce_sandbox.h"
#include "support/run_command.h"
#include "support/salesforce_probe.h"
#include "support/sql_test_server.h"
#include "support/temp_dir.h"

namespace crmsync::testing::s2 {
namespace {

const std::string kOrgA = "7d0b7a2e-1b7e-4c55-9a43-3f1c2d5e6a01";
const std::string kOrgB = "0c9e4f6a-5d1b-4e2f-8a7c-6b5d4c3b2a10";
const std::string kHooliId = "5f1e2d3c-4b5a-4697-8877-665544332211";  // made in BottleCRM

using Rows = std::vector<std::vector<std::string>>;

class S2 : public ::testing::Test {
 protected:
  TempDir dir;
  std::unique_ptr<sandbox::salesforce::SalesforceSandbox> sf;
  const SqlServerInfo& pg = test_server("postgres");
  std::string db;

  void SetUp() override {
    std::ifstream in(std::string(CRMSYNC_SOURCE_DIR) +
                     "/examples/salesforce-to-bottlecrm/crmsync.yaml");
    std::stringstream text;
    text << in.rdbuf();
    ASSERT_FALSE(text.str().empty());
    dir.write("crmsync.yaml", text.str());

    db = pg.create_database();
    std::ifstream schema(std::string(CRMSYNC_SOURCE_DIR) +
                         "/examples/salesforce-to-bottlecrm/schema.sql");
    std::stringstream ddl;
    ddl << schema.rdbuf();
    CommandResult r = pg.sql(db, ddl.str());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    // The application's role, as BottleCRM's docker setup makes it; the
    // owner (the test server's superuser) seeds the organisations and what
    // BottleCRM already holds.
    r = pg.sql(db,
               "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crm_user') "
               "THEN CREATE ROLE crm_user LOGIN PASSWORD 'crm-user-pw'; END IF; END $$;"
               "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO crm_user;"
               "INSERT INTO organization VALUES ('" +
                   kOrgA +
                   "', now(), now(), NULL, NULL, 'Org A', 'key-a', true, 'A', NULL, '', "
                   "'', '', '', 'US', '', '', '', '', 'USD', NULL, 'UTC', true, false, '', "
                   "'{}'), ('" +
                   kOrgB +
                   "', now(), now(), NULL, NULL, 'Org B', 'key-b', true, 'B', NULL, '', '', '', "
                   "'', 'GB', '', '', '', '', 'GBP', NULL, 'UTC', true, false, '', '{}');"
                   "INSERT INTO accounts (id, created_at, updated_at, name, custom_fields, "
                   "is_active, is_sample, org_id) VALUES ('" +
                   kHooliId + "', now(), now(), 'HOOLI', '{}', true, false, '" + kOrgA +
                   "'), ('1b2c3d4e-0000-4000-8000-000000000001', now(), now(), 'Company 0', "
                   "'{}', true, false, '" +
                   kOrgB +
                   "');"
                   "INSERT INTO estimate (id, created_at, updated_at, estimate_number, title, "
                   "status, client_name, client_email, client_phone, client_address_line, "
                   "client_city, client_state, client_postcode, client_country, subtotal, "
                   "discount_type, discount_value, discount_amount, tax_rate, tax_amount, "
                   "total_amount, amount_paid, amount_due, currency, issue_date, "
                   "accepted_by_name, accepted_by_email, accepted_user_agent, public_token, "
                   "notes, terms, custom_fields, org_id) VALUES "
                   "('2b3c4d5e-0000-4000-8000-000000000002', now(), now(), '00000', 'theirs', "
                   "'Draft', '', '', '', '', '', '', '', '', 0, '', 0, 0, 0, 0, 0, 0, 0, 'GBP', "
                   "current_date, '', '', '', 'tok-b', '', '', '{}', '" +
                   kOrgB + "');");
    ASSERT_EQ(r.exit_code, 0) << r.output;

    write_salesforce_data(dir);
    sandbox::salesforce::SalesforceSandboxOptions o;
    o.data_dir = dir.file("sfdata");
    sf = std::make_unique<sandbox::salesforce::SalesforceSandbox>(o);
    Status s = sf->start();
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  CommandResult crmsync(const std::string& args) {
    std::string env = "SALESFORCE_LOGIN_URL=" + sf->base_url() +
                      " SALESFORCE_USERNAME=demo@example.com SALESFORCE_PASSWORD=demo"
                      " SALESFORCE_CLIENT_ID=demo-client SALESFORCE_CLIENT_SECRET=demo-secret"
                      " BOTTLECRM_DB_URL=postgresql://crm_user@127.0.0.1:" +
                      std::to_string(pg.port) + "/" + db +
                      " BOTTLECRM_DB_PASSWORD=crm-user-pw BOTTLECRM_TOKEN_SECRET=s2-test-secret";
    return run_command("cd " + dir.path().string() + " && " + env + " " + CRMSYNC_BINARY + " " +
                       args + " 2>&1");
  }

  Value soql(const std::string& q) { return SalesforceProbe{sf->base_url()}.soql(q); }

  // psql -At output, split into rows of |-separated fields (none of the
  // values holds a |), as the owner: it sees every org's rows.
  Rows rows(const std::string& query) {
    CommandResult r = pg.sql(db, query);
    EXPECT_EQ(r.exit_code, 0) << query << "\n" << r.output;
    Rows out;
    std::stringstream in(r.output);
    std::string line;
    while (std::getline(in, line)) {
      std::vector<std::string> fields;
      size_t start = 0;
      for (size_t bar; (bar = line.find('|', start)) != std::string::npos; start = bar + 1) {
        fields.push_back(line.substr(start, bar - start));
      }
      fields.push_back(line.substr(start));
      out.push_back(std::move(fields));
    }
    return out;
  }
  int64_t count(const std::string& query) { return std::stoll("0" + pg.scalar(db, query)); }

  // Salesforce id -> the uuid the config makes for it in org A.
  static std::string uuid_of(const std::string& sf_id) {
    return mapping::uuid_v5(*mapping::parse_uuid(kOrgA), sf_id);
  }

  static std::map<std::string, int64_t> counts(const CommandResult& r, const std::string& flow) {
    std::map<std::string, int64_t> out;
    size_t at = r.output.find("{\"run_id\"");
    EXPECT_NE(at, std::string::npos) << r.output;
    if (at == std::string::npos) return out;
    auto doc = parse_json(r.output.substr(at, r.output.find('\n', at) - at));
    const Value* f = doc.ok() && doc->find("flows") ? doc->find("flows")->find(flow) : nullptr;
    EXPECT_NE(f, nullptr) << flow << ": " << r.output;
    if (f == nullptr) return out;
    for (const Member& m : f->as_object()) {
      if (m.value.is_int()) out[m.key] = m.value.as_int();
    }
    return out;
  }

  // Salesforce records of `object` by Id.
  std::map<std::string, Value> by_id(const std::string& object, const std::string& fields) {
    std::map<std::string, Value> out;
    Value records = soql("SELECT Id, " + fields + " FROM " + object);
    for (const Value& r : records.as_array()) {
      out[r.find("Id")->to_text()] = r;
    }
    return out;
  }

  static std::string text(const Value& rec, const char* field) {
    const Value* v = rec.find(field);
    return v && !v->is_null() ? v->to_text() : "";
  }
  static std::string ref(const Value& rec, const char* field) {
    std::string id = text(rec, field);
    return id.empty() ? "" : uuid_of(id);
  }
  static std::string money(const Value& rec, const char* field) {
    return Decimal::parse(text(rec, field))->rounded(2).to_string();
  }

  void expect_org_a_imported();
};

void S2::expect_org_a_imported() {
  const std::string org = "org_id = '" + kOrgA + "'";
  // Products: NULL skus do not collide on UNIQUE(sku, org_id).
  auto products = by_id("Product2", "Name, ProductCode, Family, IsActive, Description");
  ASSERT_EQ(products.size(), static_cast<size_t>(kProducts));
  Rows prows = rows(
      "SELECT id, name, coalesce(sku, '<null>'), category, is_active, description, "
      "price, org_id FROM product ORDER BY name");
  ASSERT_EQ(prows.size(), products.size());
  std::map<std::string, std::vector<std::string>> pg_products;
  for (auto& r : prows) pg_products[r[0]] = r;
  for (const auto& [id, p] : products) {
    ASSERT_EQ(pg_products.count(uuid_of(id)), 1u) << id;
    const auto& r = pg_products[uuid_of(id)];
    EXPECT_EQ(r[1], text(p, "Name"));
    EXPECT_EQ(r[2], text(p, "ProductCode").empty() ? "<null>" : text(p, "ProductCode"));
    EXPECT_EQ(r[3], "Hardware");
    EXPECT_EQ(r[4], p.find("IsActive")->as_bool() ? "t" : "f");
    EXPECT_EQ(r[5], text(p, "Description"));
    EXPECT_EQ(r[6], "0.00");
    EXPECT_EQ(r[7], kOrgA);
  }

  // Accounts: the bad country failed; Hooli linked to BottleCRM's HOOLI row.
  auto accounts = by_id("Account",
                        "Name, Industry, BillingStreet, BillingCity, BillingState, "
                        "BillingPostalCode, BillingCountry, NumberOfEmployees, AnnualRevenue, "
                        "Phone, Website, Description, CreatedDate");
  ASSERT_EQ(accounts.size(), static_cast<size_t>(kAccounts));
  std::map<std::string, std::vector<std::string>> pg_accounts;
  for (auto& r : rows("SELECT id, name, industry, address_line, city, state, postcode, "
                      "coalesce(country, '<null>'), number_of_employees, annual_revenue, phone, "
                      "website, description, custom_fields::text, is_active, is_sample, "
                      "created_at FROM accounts WHERE " +
                      org)) {
    pg_accounts[r[0]] = r;
  }
  EXPECT_EQ(pg_accounts.size(), static_cast<size_t>(kAccounts - 1));  // all but the bad one
  std::map<std::string, std::string> account_uuid;                    // SF id -> BottleCRM id
  for (const auto& [id, a] : accounts) {
    std::string name = text(a, "Name");
    if (name == account_name(kBadAccount)) {
      EXPECT_EQ(pg_accounts.count(uuid_of(id)), 0u);
      continue;
    }
    std::string want_id = name == "Hooli" ? kHooliId : uuid_of(id);
    account_uuid[id] = want_id;
    ASSERT_EQ(pg_accounts.count(want_id), 1u) << name;
    const auto& r = pg_accounts[want_id];
    EXPECT_EQ(r[1], name);
    std::string industry = text(a, "Industry");
    for (char& c : industry) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(r[2], industry == "OTHER" ? "OTHERS" : industry) << name;
    EXPECT_EQ(r[3], text(a, "BillingStreet"));
    EXPECT_EQ(r[4], text(a, "BillingCity"));
    EXPECT_EQ(r[5], "CA");
    EXPECT_EQ(r[6], text(a, "BillingPostalCode"));
    std::string country = text(a, "BillingCountry");
    EXPECT_EQ(r[7], country.empty()              ? "<null>"
                    : country == "Germany"       ? "DE"
                    : country == "United States" ? "US"
                                                 : country)
        << name;
    EXPECT_EQ(r[8], text(a, "NumberOfEmployees"));
    EXPECT_EQ(r[9], money(a, "AnnualRevenue"));
    EXPECT_EQ(r[10], text(a, "Phone"));
    EXPECT_EQ(r[11], text(a, "Website"));
    EXPECT_EQ(r[12], text(a, "Description"));
    EXPECT_EQ(r[13], "{}");
    EXPECT_EQ(r[14], "t");
    EXPECT_EQ(r[15], "f");
    EXPECT_EQ(r[16].substr(0, 10), text(a, "CreatedDate").substr(0, 10));
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts WHERE lower(name) = 'hooli'"), 1);
  // Org B's "Company 0" is another org's: untouched, not linked.
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts WHERE org_id = '" + kOrgB + "'"), 1);

  // Contacts: the bad account's contact waits; Hooli's points at HOOLI.
  auto contacts = by_id("Contact",
                        "FirstName, LastName, Email, AccountId, Department, DoNotCall, "
                        "MailingCountry, MailingCity");
  ASSERT_EQ(contacts.size(), static_cast<size_t>(kContacts));
  std::map<std::string, std::vector<std::string>> pg_contacts;
  for (auto& r : rows("SELECT id, first_name, last_name, email, coalesce(account_id::text, ''), "
                      "department, do_not_call, country, city, is_active, auto_created FROM "
                      "contacts WHERE " +
                      org)) {
    pg_contacts[r[0]] = r;
  }
  EXPECT_EQ(pg_contacts.size(), static_cast<size_t>(kContacts - 1));
  for (const auto& [id, c] : contacts) {
    std::string account = text(c, "AccountId");
    if (!account_uuid.count(account)) {
      EXPECT_EQ(pg_contacts.count(uuid_of(id)), 0u) << "the bad account's contact";
      continue;
    }
    ASSERT_EQ(pg_contacts.count(uuid_of(id)), 1u) << id;
    const auto& r = pg_contacts[uuid_of(id)];
    EXPECT_EQ(r[1], text(c, "FirstName"));  // '' when Salesforce has none
    EXPECT_EQ(r[2], text(c, "LastName"));
    EXPECT_EQ(r[3], text(c, "Email"));
    EXPECT_EQ(r[4], account_uuid[account]);
    EXPECT_EQ(r[5], "Sales");
    EXPECT_EQ(r[6], c.find("DoNotCall")->as_bool() ? "t" : "f");
    EXPECT_EQ(r[7], "GB");
    EXPECT_EQ(r[8], "London");
    EXPECT_EQ(r[9], "t");
    EXPECT_EQ(r[10], "f");
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts WHERE account_id = '" + kHooliId + "'"), 1);

  // Opportunities: picklists stored as BottleCRM's choices.
  auto opps = by_id("Opportunity",
                    "Name, AccountId, StageName, CloseDate, Amount, Probability, LeadSource, Type");
  std::map<std::string, std::vector<std::string>> pg_opps;
  for (auto& r : rows("SELECT id, name, account_id, stage, closed_on, amount, probability, "
                      "lead_source, opportunity_type, amount_source, kanban_order FROM "
                      "opportunity WHERE " +
                      org)) {
    pg_opps[r[0]] = r;
  }
  ASSERT_EQ(pg_opps.size(), opps.size());
  EXPECT_EQ(opps.size(), static_cast<size_t>(kOpportunities));
  for (const auto& [id, op] : opps) {
    const auto& r = pg_opps[uuid_of(id)];
    ASSERT_EQ(r.size(), 11u) << id;
    EXPECT_EQ(r[1], text(op, "Name"));
    EXPECT_EQ(r[2], account_uuid[text(op, "AccountId")]);
    int stage = 0;
    while (text(op, "StageName") != kStages[stage]) ++stage;
    EXPECT_EQ(r[3], kStageChoices[stage]);
    EXPECT_EQ(r[4], text(op, "CloseDate"));
    EXPECT_EQ(r[5], money(op, "Amount"));
    EXPECT_EQ(r[6], text(op, "Probability"));
    EXPECT_EQ(r[7], "WEBSITE");
    EXPECT_EQ(r[8], "NEW_BUSINESS");
    EXPECT_EQ(r[9], "MANUAL");
    EXPECT_EQ(r[10], "0.000000");
  }

  // Orders: the bad account's order waits; the rest are linked.
  auto orders = by_id("Order",
                      "Name, OrderNumber, Status, AccountId, EffectiveDate, "
                      "TotalAmount, BillingCountry, BillingCity");
  std::map<std::string, std::vector<std::string>> pg_orders;
  for (auto& r : rows("SELECT id, name, order_number, status, account_id, order_date, "
                      "total_amount, billing_country, billing_city, shipping_country, "
                      "description, currency FROM orders WHERE " +
                      org)) {
    pg_orders[r[0]] = r;
  }
  EXPECT_EQ(pg_orders.size(), static_cast<size_t>(kOrders - 1));
  for (const auto& [id, od] : orders) {
    if (!account_uuid.count(text(od, "AccountId"))) {
      EXPECT_EQ(pg_orders.count(uuid_of(id)), 0u);
      continue;
    }
    const auto& r = pg_orders[uuid_of(id)];
    ASSERT_EQ(r.size(), 12u) << id;
    EXPECT_EQ(r[1], text(od, "Name").empty() ? text(od, "OrderNumber") : text(od, "Name"));
    EXPECT_EQ(r[2], text(od, "OrderNumber"));
    EXPECT_EQ(r[3], text(od, "Status") == "Draft" ? "DRAFT" : "ACTIVATED");
    EXPECT_EQ(r[4], account_uuid[text(od, "AccountId")]);
    EXPECT_EQ(r[5], text(od, "EffectiveDate"));
    EXPECT_EQ(r[6], "99.90");
    EXPECT_EQ(r[7], "US");
    EXPECT_EQ(r[8], "Austin");
    EXPECT_EQ(r[9], "");
    EXPECT_EQ(r[10], "");
    EXPECT_EQ(r[11], "");
  }

  auto items = by_id("OrderItem",
                     "OrderId, Product2Id, Quantity, UnitPrice, TotalPrice, "
                     "Description");
  Rows irows = rows(
      "SELECT id, order_id, product_id, quantity, unit_price, total, name, "
      "description FROM order_line_item WHERE " +
      org);
  ASSERT_EQ(irows.size(), items.size());
  for (const auto& r : irows) {
    bool found = false;
    for (const auto& [id, it] : items) {
      if (uuid_of(id) != r[0]) continue;
      found = true;
      EXPECT_EQ(r[1], ref(it, "OrderId"));
      EXPECT_EQ(r[2], ref(it, "Product2Id"));
      EXPECT_EQ(r[3], "2.00");
      EXPECT_EQ(r[4], "10.25");
      EXPECT_EQ(r[5], "20.50");
      EXPECT_EQ(r[6], text(it, "Description"));
      EXPECT_EQ(r[7], text(it, "Description"));
    }
    EXPECT_TRUE(found) << r[0];
  }

  // Estimates: org-qualified numbers, stored statuses, truncated titles.
  auto quotes = by_id("Quote",
                      "Name, QuoteNumber, Status, AccountId, ContactId, "
                      "OpportunityId, Subtotal, Discount, Tax, TotalPrice, "
                      "ExpirationDate, Email, Description, CreatedDate");
  std::map<std::string, std::vector<std::string>> pg_estimates;
  for (auto& r : rows("SELECT id, estimate_number, title, status, account_id, contact_id, "
                      "opportunity_id, subtotal, discount_value, tax_amount, total_amount, "
                      "expiry_date, client_email, notes, issue_date, currency, "
                      "length(public_token) FROM estimate WHERE " +
                      org)) {
    pg_estimates[r[0]] = r;
  }
  ASSERT_EQ(pg_estimates.size(), static_cast<size_t>(kQuotes));
  for (const auto& [id, q] : quotes) {
    const auto& r = pg_estimates[uuid_of(id)];
    ASSERT_EQ(r.size(), 17u) << id;
    EXPECT_EQ(r[1], text(q, "QuoteNumber") + "/" + kOrgA);
    EXPECT_EQ(r[2], text(q, "Name").substr(0, 100));
    int k = 0;
    while (text(q, "Status") != kQuoteStatus[k]) ++k;
    EXPECT_EQ(r[3], kEstimateStatus[k]);
    EXPECT_EQ(r[4], account_uuid[text(q, "AccountId")]);
    EXPECT_EQ(r[5], ref(q, "ContactId"));
    EXPECT_EQ(r[6], ref(q, "OpportunityId"));
    EXPECT_EQ(r[7], "200.00");
    EXPECT_EQ(r[8], "5.00");
    EXPECT_EQ(r[9], "19.00");
    EXPECT_EQ(r[10], "209.00");
    EXPECT_EQ(r[11], "2026-04-30");
    EXPECT_EQ(r[12], "buyer@example.com");
    EXPECT_EQ(r[13], text(q, "Description"));
    EXPECT_EQ(r[14], text(q, "CreatedDate").substr(0, 10));
    EXPECT_EQ(r[15], "USD");
    EXPECT_EQ(r[16], "36");
  }
  EXPECT_EQ(count("SELECT COUNT(DISTINCT public_token) FROM estimate"), kQuotes + 1);

  auto lines = by_id("QuoteLineItem", "QuoteId, Product2Id, LineNumber, Description");
  Rows lrows = rows(
      "SELECT id, estimate_id, product_id, \"order\", name, quantity, total FROM "
      "estimate_line_item WHERE " +
      org);
  ASSERT_EQ(lrows.size(), lines.size());
  for (const auto& r : lrows) {
    bool found = false;
    for (const auto& [id, l] : lines) {
      if (uuid_of(id) != r[0]) continue;
      found = true;
      EXPECT_EQ(r[1], ref(l, "QuoteId"));
      EXPECT_EQ(r[2], ref(l, "Product2Id"));
      EXPECT_EQ(r[3], std::to_string(std::stoi(text(l, "LineNumber"))));
      EXPECT_EQ(r[4], text(l, "Description"));
      EXPECT_EQ(r[5], "1.00");
      EXPECT_EQ(r[6], "100.00");
    }
    EXPECT_TRUE(found) << r[0];
  }

  // Every foreign key resolves to a row of the same org.
  for (const char* fk : {"contacts c JOIN accounts p ON p.id = c.account_id",
                         "opportunity c JOIN accounts p ON p.id = c.account_id",
                         "orders c JOIN accounts p ON p.id = c.account_id",
                         "order_line_item c JOIN orders p ON p.id = c.order_id",
                         "order_line_item c JOIN product p ON p.id = c.product_id",
                         "estimate c JOIN opportunity p ON p.id = c.opportunity_id",
                         "estimate c JOIN contacts p ON p.id = c.contact_id",
                         "estimate_line_item c JOIN estimate p ON p.id = c.estimate_id"}) {
    EXPECT_EQ(count(std::string("SELECT COUNT(*) FROM ") + fk + " WHERE p.org_id <> c.org_id"), 0)
        << fk;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders o LEFT JOIN accounts a ON a.id = o.account_id "
                  "WHERE a.id IS NULL"),
            0);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM estimate WHERE org_id = '" + kOrgB + "' AND title = 'theirs'"),
      1);
}

TEST_F(S2, OneOrgImportsEveryObjectUnderRowLevelSecurity) {
  CommandResult first = crmsync("run --json --param org=" + kOrgA);
  EXPECT_EQ(first.exit_code, 1) << first.output;  // three records failed, on purpose
  ASSERT_NE(first.output.find("{\"run_id\""), std::string::npos) << first.output;
  EXPECT_EQ(counts(first, "products")["created"], kProducts);
  EXPECT_EQ(counts(first, "accounts")["created"], kAccounts - 2);
  EXPECT_EQ(counts(first, "accounts")["updated"], 1);  // Hooli, linked
  EXPECT_EQ(counts(first, "accounts")["failed"], 1);
  EXPECT_EQ(counts(first, "contacts")["failed"], 1);
  EXPECT_EQ(counts(first, "orders")["failed"], 1);
  EXPECT_EQ(counts(first, "quote_lines")["created"], kQuoteLines);
  expect_org_a_imported();

  // The failures name the column, or the parent that failed.
  CommandResult errors = crmsync("errors --param org=" + kOrgA);
  EXPECT_NE(errors.output.find("country: 'Republic of Moldova' has 19 characters, more than "
                               "max_length 3"),
            std::string::npos)
      << errors.output;
  EXPECT_NE(errors.output.find("parent failed: field account_id refers to accounts record"),
            std::string::npos)
      << errors.output;

  // A re-import writes nothing.
  CommandResult again = crmsync("run --json --param org=" + kOrgA);
  for (const char* flow : {"products", "accounts", "contacts", "opportunities", "orders",
                           "order_items", "quotes", "quote_lines"}) {
    auto c = counts(again, flow);
    EXPECT_EQ(c["created"] + c["updated"], 0) << flow << ": " << again.output;
  }
  expect_org_a_imported();

  // Records changed in Salesforce are updated by a full import, only they.
  auto accounts = by_id("Account", "Name");
  std::string renamed;
  for (const auto& [id, a] : accounts) {
    if (text(a, "Name") == "Company 1") renamed = id;
  }
  SalesforceProbe probe{sf->base_url()};
  probe.edit_as_user("Account", renamed, R"({"Name": "Company 1 Renamed", "Industry": "Retail"})");
  CommandResult full = crmsync("run --json --full --param org=" + kOrgA);
  EXPECT_EQ(counts(full, "accounts")["updated"], 1) << full.output;
  EXPECT_EQ(counts(full, "contacts")["updated"], 0) << full.output;
  EXPECT_EQ(counts(full, "products")["updated"], 0) << full.output;
  EXPECT_EQ(pg.scalar(db, "SELECT name || '/' || industry FROM accounts WHERE id = '" +
                              uuid_of(renamed) + "'"),
            "Company 1 Renamed/RETAIL");
  expect_org_a_imported();
}

}  // namespace
}  // namespace crmsync::testing::s2
