#include <gtest/gtest.h>

#include <string>

#include "integration/rest_connector/finance_server.h"
#include "support/engine_fixture.h"
#include "support/sqlite_probe.h"

namespace crmsync::testing {
namespace {

// S1 in small: the finance API (session login, md5 password) as a source
// into SQLite, and files as a source into the finance API (customers linked
// by code, invoices with line items into pre-invoices with dataRows).
class RestEngine : public EngineFixture {
 protected:
  FinanceServer server;

  std::string finance() const {
    return R"(
  finance:
    type: rest
    base_url: )" +
           server.url() + R"(/api
    auth: session
    username: admin
    password: ")" +
           FinanceServer::kPassword + R"("
    password_transform: md5
    login_path: /login
    login_body: '{"UserName": "{username}", "Password": "{password}"}'
    token_pointer: /Data/SessionId
    token_header: X-Session
    token_template: "{token}"
    requests_per_second: 200
    objects:
      customers:
        path: /customers
        records_pointer: /items
        pagination: cursor
        cursor_pointer: /next
        size_param: limit
        page_size: 10
        write_pointer: /data
        changed_since_param: updated_since
        changed_field: updatedAt
      invoices:
        path: /invoices
        id_pointer: /number
        pagination: link_header
        size_param: per_page
        page_size: 10
      preinvoices:
        path: /preinvoices
        records_pointer: /Data
        id_pointer: /Code
        write_pointer: /Data
        update_path: /preinvoices/{id}
        update_method: PUT
        delete_path: ""
        search: none
)";
  }
};

TEST_F(RestEngine, FinanceIntoSqliteThenNothingToWrite) {
  for (int i = 0; i < 25; ++i)
    server.add_customer("C" + std::to_string(i), "Name " + std::to_string(i));
  for (int i = 0; i < 23; ++i) server.add_invoice("INV-" + std::to_string(i), 2);
  load(R"(
connections:)" +
       finance() + R"(
  db: {type: sqlite, path: target.db}
flows:
  customers_in:
    source: {connection: finance, object: customers, cursor_field: updatedAt}
    target: {connection: db, object: customers, id_field: id}
    match: {target_field: code}
    mapping:
      code: code
      name: name
      changed: updatedAt
  invoices_in:
    source: {connection: finance, object: invoices}
    target: {connection: db, object: invoices, id_field: id}
    mapping:
      number: number
      customer: customer
      first_sku: {lua: "return rec.lines[1].sku"}
)");
  SqliteProbe db(dir.file("target.db"));
  RunReport r = run();
  FlowCounts c = counts(r, "customers_in");
  EXPECT_EQ(c.read, 25);
  EXPECT_EQ(c.created, 25);
  FlowCounts i = counts(r, "invoices_in");
  EXPECT_EQ(i.created, 23);
  EXPECT_EQ(i.failed, 0);
  EXPECT_EQ(db.count("select count(*) from customers"), 25);
  EXPECT_EQ(db.scalar("select name from customers where code = 'C7'"), "Name 7");
  EXPECT_EQ(db.scalar("select first_sku from invoices where number = 'INV-4'"), "SKU-1");

  server.expire_sessions();  // the next run logs in again on the 401
  r = run();
  c = counts(r, "customers_in");
  i = counts(r, "invoices_in");
  EXPECT_EQ(c.created + c.updated + c.deleted + i.created + i.updated + i.deleted, 0);
  EXPECT_EQ(i.skipped, 23);
  EXPECT_LE(c.read, 1);  // from the cursor: only the last record again
  EXPECT_EQ(server.logins(), 2);

  server.rename("C3", "Renamed");
  c = counts(run(), "customers_in");
  EXPECT_EQ(c.updated, 1);
  EXPECT_EQ(c.created, 0);
  EXPECT_EQ(db.scalar("select name from customers where code = 'C3'"), "Renamed");
}

TEST_F(RestEngine, FilesIntoFinanceLinksByCodeAndSendsLineItems) {
  server.add_customer("C1", "Existing One");
  server.add_customer("C2", "Existing Two");
  dir.write("data/customers.csv",
            "code,name\nC1,Existing One\nC2,Existing Two\nC3,New Three\nC4,New Four\nC5,\n");
  dir.write(
      "data/invoices.jsonl",
      R"({"number": "INV-1", "customer": "C3", "lines": [{"sku": "P1", "qty": 2, "price": 10.25}, {"sku": "P2", "qty": 1, "price": 3.00}]}
{"number": "INV-2", "customer": "C4", "lines": [{"sku": "P9", "qty": 0, "price": 1.00}]}
{"number": "INV-3", "customer": "C1", "lines": [{"sku": "P3", "qty": 5, "price": 0.99}]}
)");
  load(R"(
connections:)" +
       finance() + R"(
  files: {type: file, dir: data}
flows:
  customers_out:
    source: {connection: files, object: customers.csv, id_field: code}
    target: {connection: finance, object: customers}
    match: {target_field: code}
    mapping:
      code: code
      name: name
  preinvoices_out:
    source: {connection: files, object: invoices.jsonl, id_field: number}
    target: {connection: finance, object: preinvoices}
    mapping:
      customerCode: customer
      description: number
      dataRows:
        each: lines
        mapping:
          productCode: sku
          quantity: qty
          price: price
)");
  RunReport r = run();
  FlowCounts c = counts(r, "customers_out");
  EXPECT_EQ(c.read, 5);
  EXPECT_EQ(c.created, 2);  // C3, C4; C1 and C2 found by code and linked
  EXPECT_EQ(c.failed, 1);   // C5 has no name: the API's 422, parked
  EXPECT_EQ(server.customers().size(), 4u);
  FlowCounts p = counts(r, "preinvoices_out");
  EXPECT_EQ(p.created, 2);
  EXPECT_EQ(p.failed, 1);  // INV-2: quantity 0, 422; the others went on
  auto pis = server.preinvoices();
  ASSERT_EQ(pis.size(), 2u);
  const Value* rows = pis[0].find("dataRows");
  ASSERT_TRUE(rows && rows->is_array());
  ASSERT_EQ(rows->as_array().size(), 2u);
  EXPECT_EQ(rows->as_array()[0].find("productCode")->to_text(), "P1");
  EXPECT_EQ(rows->as_array()[0].find("price")->to_text(), "10.25");
  std::vector<std::string> bad{"INV-2"};
  auto errors = store->open_errors("preinvoices_out", bad);
  ASSERT_TRUE(errors.ok());
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].kind, ErrorKind::rejected);
  EXPECT_NE((*errors)[0].message.find("quantity must be positive"), std::string::npos)
      << (*errors)[0].message;

  int writes = server.writes();
  r = run();
  c = counts(r, "customers_out");
  p = counts(r, "preinvoices_out");
  EXPECT_EQ(c.created + c.updated + p.created + p.updated, 0);
  EXPECT_EQ(server.writes(), writes);
  EXPECT_EQ(server.customers().size(), 4u);
  EXPECT_EQ(server.preinvoices().size(), 2u);
}

}  // namespace
}  // namespace crmsync::testing
