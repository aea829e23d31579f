#pragma once

#include <gtest/gtest.h>

#include <string>

#include "connectors/registry.h"
#include "core/json.h"
#include "support/engine_fixture.h"
#include "support/odbc_test_drivers.h"
#include "support/sql_test_server.h"

namespace crmsync::testing {

// What differs between the databases in the shared SQL flow tests.
struct SqlTestDialect {
  std::string connector;  // crmsync connection type
  std::string server;     // test_server kind: postgres | mariadb | sqlite
  std::string key_text;   // a text column that can carry a unique index
  std::string timestamp;  // a zoned timestamp column type
  std::string auto_id;    // an auto-increment primary key column
  // INSERT ... SELECT source of n generated rows, the row number named `g`.
  std::string (*series)(int n);
  std::string bad_integer_message;  // the database's words for 'abc' into INTEGER
  std::string not_null_message;     // ... and for NULL into NOT NULL
};

// SQLite's recursive CTE for n rows named g (it has no generate_series).
inline std::string sqlite_series(int n) {
  return "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < " +
         std::to_string(n) + ") SELECT g FROM s) AS s";
}

inline const SqlTestDialect& sql_test_dialect(const std::string& kind) {
  static const SqlTestDialect pg{
      "postgres",
      "postgres",
      "TEXT",
      "TIMESTAMPTZ",
      "BIGSERIAL PRIMARY KEY",
      [](int n) { return "generate_series(1, " + std::to_string(n) + ") AS s(g)"; },
      "invalid input syntax for type integer",
      "null value in column \"name\""};
  static const SqlTestDialect my{
      "mysql",
      "mariadb",
      "VARCHAR(191)",
      "DATETIME(6)",
      "BIGINT AUTO_INCREMENT PRIMARY KEY",
      [](int n) { return "(SELECT seq AS g FROM seq_1_to_" + std::to_string(n) + ") AS s"; },
      "Incorrect integer value",
      "Column 'name' cannot be null"};
  // The same databases through ODBC drivers (psqlODBC, sqlite3odbc).
  static const SqlTestDialect odbc_pg = [] {
    SqlTestDialect d = pg;
    d.connector = "odbc";
    return d;
  }();
  static const SqlTestDialect odbc_sqlite{"odbc",
                                          "sqlite",
                                          "TEXT",
                                          "TIMESTAMP",
                                          "INTEGER PRIMARY KEY AUTOINCREMENT",
                                          sqlite_series,
                                          "",
                                          "NOT NULL constraint failed: customers.name"};
  if (kind == "odbc-postgres") return odbc_pg;
  if (kind == "odbc-sqlite") return odbc_sqlite;
  return kind == "postgres" ? pg : my;
}

// An engine fixture with a fresh database on the test binary's server:
// source table crm_customers, target table customers, flows between them.
class SqlFlowFixture : public EngineFixture {
 protected:
  const SqlServerInfo* server = nullptr;
  const SqlTestDialect* dialect = nullptr;
  std::string database;

  // `kind` names a dialect above: postgres, mariadb, odbc-postgres, odbc-sqlite.
  void use(const std::string& kind) {
    dialect = &sql_test_dialect(kind);
    server = &test_server(dialect->server);
    database = server->create_database();
  }

  // Which SQL the fixture's own statements are written in.
  bool sql_is(const char* kind) const { return server->kind == kind; }

  ConnectionConfig connection_config(bool create_tables, const std::string& password) const {
    ConnectionConfig c = dialect->connector == "odbc"
                             ? odbc_connection(*server, database, create_tables, password)
                             : server->connection(database, create_tables, password);
    c.type = dialect->connector;
    return c;
  }

  // The connection block as YAML (a JSON object is a YAML flow mapping).
  std::string connection_yaml(bool create_tables = false, const std::string& password = "") const {
    ConnectionConfig c = connection_config(create_tables, password);
    Object o = c.options.values.as_object();
    o.insert(o.begin(), Member{"type", Value(c.type)});
    return to_json(Value(std::move(o)));
  }

  // A connection to this test's database, straight from the registry.
  std::unique_ptr<Connection> connect(bool create_tables, const std::string& password = "") {
    auto conn = ConnectorRegistry::instance().create(connection_config(create_tables, password),
                                                     ConnectorContext{});
    EXPECT_TRUE(conn.ok()) << conn.error().message;
    return conn.ok() ? std::move(*conn) : nullptr;
  }

  // Two upserts keyed on `code` (K0, K1) with one value of every type and
  // `extra` as the last field.
  static std::vector<WriteItem> sample_upserts(const Value& extra) {
    auto names = make_field_names({"code", "amount", "at", "day", "ok", "extra"});
    std::vector<WriteItem> items(2);
    for (int i = 0; i < 2; ++i) {
      items[i].op = WriteOp::upsert;
      items[i].record =
          Record(names, {Value("K" + std::to_string(i)), Value(*Decimal::parse("1234567.8900")),
                         Value(*DateTime::parse("2024-05-01T12:00:00+02:00")),
                         Value(*Date::parse("2024-05-01")), Value(i == 0), extra});
    }
    return items;
  }

  // Writes `items` as upserts on `code` into table `landing`; the call and
  // its first item succeed. Empty when the call failed.
  static std::vector<WriteResult> upsert_landing(Connection& conn,
                                                 const std::vector<WriteItem>& items) {
    WriteRequest w;
    w.object = "landing";
    w.external_id = "code";
    w.items = items;
    auto res = conn.write(w);
    EXPECT_TRUE(res.ok()) << (res.ok() ? "" : res.error().message);
    if (!res.ok() || res->empty()) return {};
    EXPECT_TRUE((*res)[0].ok) << (*res)[0].error.message;
    return *res;
  }

  // The second sample upsert (K1) is found by its key, with id 2.
  static void expect_k1_found(Connection& conn) {
    auto found = conn.search("landing", "id", "code", std::vector<Value>{Value("K1")});
    ASSERT_TRUE(found.ok()) << found.error().message;
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ((*found)[0].id(), "2");
  }

  // Every record of a full read of `object`.
  static std::vector<Record> read_all(Connection& conn, const std::string& object) {
    ReadRequest req;
    req.object = object;
    std::vector<Record> out, batch;
    auto reader = conn.read(req);
    EXPECT_TRUE(reader.ok()) << reader.error().message;
    while (reader.ok()) {
      auto more = (*reader)->next(batch);
      EXPECT_TRUE(more.ok()) << more.error().message;
      out.insert(out.end(), batch.begin(), batch.end());
      if (!more.ok() || !*more) break;
    }
    return out;
  }

  void exec(const std::string& sql) const {
    CommandResult r = server->sql(database, sql);
    ASSERT_EQ(r.exit_code, 0) << sql << "\n" << r.output;
  }
  std::string scalar(const std::string& query) const { return server->scalar(database, query); }
  int64_t count(const std::string& query) const { return std::stoll("0" + scalar(query)); }

  // crm_customers with n rows: ids 1..n, customer_no C100001.., every third
  // row of company OTHER, updated_at one second apart.
  void seed_source(int n) const {
    const std::string& ts = dialect->timestamp;
    exec("CREATE TABLE crm_customers (id BIGINT PRIMARY KEY, customer_no " + dialect->key_text +
         " NOT NULL, name TEXT, balance NUMERIC(12,2), active BOOLEAN, born DATE, company " +
         dialect->key_text + ", qty_text TEXT, updated_at " + ts + " NOT NULL);");
    add_source_rows(1, n);
  }
  void add_source_rows(int from, int to) const {
    bool pg = sql_is("postgres");
    std::string g = "(g + " + std::to_string(from - 1) + ")";
    if (sql_is("sqlite")) {
      exec(
          "INSERT INTO crm_customers (id, customer_no, name, balance, active, born, company, "
          "qty_text, updated_at) SELECT " +
          g + ", 'C' || (100000 + " + g + "), 'Customer ' || " + g + ", CAST(" + g +
          " || '.' || (10 + " + g + " % 90) AS NUMERIC), " + g +
          " % 2 = 0, date('2000-01-01', '+' || (" + g + " % 1000) || ' days'), CASE WHEN " + g +
          " % 3 = 0 THEN 'OTHER' ELSE 'ACME' END, CAST(" + g +
          " % 7 AS TEXT), datetime('2024-01-01 00:00:00', '+' || " + g + " || ' seconds') FROM " +
          dialect->series(to - from + 1) + ";");
      return;
    }
    const std::string cat = "CONCAT";
    exec(
        "INSERT INTO crm_customers (id, customer_no, name, balance, active, born, company, "
        "qty_text, updated_at) SELECT " +
        g + ", " + cat + "('C', 100000 + " + g + "), " + cat + "('Customer ', " + g + "), CAST(" +
        cat + "(" + g + ", '.', 10 + " + g + " % 90) AS DECIMAL(12,2)), " + g +
        " % 2 = 0, DATE '2000-01-01' + " +
        (pg ? "CAST(" + g + " % 1000 AS INTEGER)" : "INTERVAL (" + g + " % 1000) DAY") +
        ", CASE WHEN " + g + " % 3 = 0 THEN 'OTHER' ELSE 'ACME' END, CAST(" + g + " % 7 AS " +
        (pg ? "TEXT" : "CHAR") + "), " +
        (pg ? "TIMESTAMPTZ '2024-01-01 00:00:00+00' + " + g + " * INTERVAL '1 second'"
            : "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL " + g + " SECOND") +
        " FROM " + dialect->series(to - from + 1) + ";");
  }
  void create_target() const {
    exec("CREATE TABLE customers (id " + dialect->auto_id + ", customer_no " + dialect->key_text +
         " NOT NULL UNIQUE, name TEXT NOT NULL, balance NUMERIC(12,2), active BOOLEAN, born "
         "DATE, qty INTEGER, updated_at " +
         dialect->timestamp + ");");
  }

  // A flow crm_customers -> customers upserting on customer_no.
  std::string flow_yaml(const std::string& source_extra, const std::string& flow_extra = "",
                        const std::string& target_extra = "") const {
    return "connections:\n  src: " + connection_yaml() + "\n  dst: " + connection_yaml() +
           "\nflows:\n  customers:\n    source: {connection: src, object: crm_customers, "
           "id_field: id" +
           source_extra +
           "}\n"
           "    target: {connection: dst, object: customers, id_field: id, external_id: "
           "customer_no" +
           target_extra + "}\n" + flow_extra +
           "    mapping:\n      customer_no: customer_no\n      name: name\n      balance: "
           "balance\n      active: active\n      born: born\n      qty: qty_text\n"
           "      updated_at: updated_at\n";
  }
};

}  // namespace crmsync::testing
