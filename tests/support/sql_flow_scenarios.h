#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/sql_flow_fixture.h"

namespace crmsync::testing {

// Flow scenarios every SQL connector passes, run through the real engine
// against a real server (the test files pick the database).
class SqlFlowScenarios : public SqlFlowFixture {
 protected:
  // Full read, incremental by cursor, nothing changed, 1% edits, full re-run.
  void full_incremental_edits() {
    seed_source(1000);
    create_target();
    load(flow_yaml(", cursor_field: updated_at"));
    FlowCounts c = counts(run(), "customers");
    EXPECT_EQ(c.read, 1000);
    EXPECT_EQ(c.created, 1000);
    EXPECT_EQ(c.failed, 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM customers"), 1000);
    EXPECT_EQ(scalar("SELECT balance FROM customers WHERE customer_no = 'C100007'"), "7.17");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM customers WHERE active"), "500");
    EXPECT_EQ(scalar("SELECT born FROM customers WHERE customer_no = 'C100005'"), "2000-01-06");
    EXPECT_EQ(scalar("SELECT qty FROM customers WHERE customer_no = 'C100012'"), "5");

    c = counts(run(), "customers");  // incremental: only the overlap at the cursor
    EXPECT_LE(c.read, 1);
    EXPECT_EQ(c.created + c.updated, 0);

    if (sql_is("sqlite")) {
      exec(
          "UPDATE crm_customers SET name = name || ' (edited)', updated_at = "
          "datetime(updated_at, '+1 day') WHERE id % 100 = 0;");
    } else {
      exec(std::string("UPDATE crm_customers SET name = CONCAT(name, ' (edited)'), updated_at = ") +
           (sql_is("postgres") ? "updated_at + INTERVAL '1 day'" : "updated_at + INTERVAL 1 DAY") +
           " WHERE id % 100 = 0;");
    }
    c = counts(run(), "customers");
    EXPECT_EQ(c.updated, 10);
    EXPECT_EQ(c.created, 0);
    EXPECT_EQ(c.failed, 0);
    EXPECT_EQ(scalar("SELECT name FROM customers WHERE customer_no = 'C100200'"),
              "Customer 200 (edited)");

    RunOptions full;
    full.full = true;
    c = counts(run(full), "customers");  // a full re-run writes nothing
    EXPECT_EQ(c.read, 1000);
    EXPECT_EQ(c.skipped, 1000);
    EXPECT_EQ(c.created + c.updated + c.deleted, 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM customers"), 1000);
  }

  // Full reads with on_delete: rows gone from the source go from the target.
  void mirror_with_deletes() {
    seed_source(200);
    create_target();
    load(flow_yaml("", "    on_delete: delete\n"));
    EXPECT_EQ(counts(run(), "customers").created, 200);
    exec("DELETE FROM crm_customers WHERE id BETWEEN 50 AND 54;");
    FlowCounts c = counts(run(), "customers");
    EXPECT_EQ(c.deleted, 5);
    EXPECT_EQ(c.created + c.updated, 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM customers"), 195);
    EXPECT_EQ(count("SELECT COUNT(*) FROM customers WHERE customer_no = 'C100052'"), 0);
  }

  // A query source with a named parameter, and a pushed-down filter on top.
  void query_source_with_params() {
    seed_source(300);
    create_target();
    load(
        flow_yaml(", query: \"SELECT * FROM crm_customers WHERE company = :company -- :x\", "
                  "params: {company: ACME}, filter: \"id <= 150\""));
    FlowCounts c = counts(run(), "customers");
    EXPECT_EQ(c.created, 100);  // ids 1..150 without every third
    EXPECT_EQ(count("SELECT COUNT(*) FROM customers"), 100);
    EXPECT_EQ(count("SELECT COUNT(*) FROM customers WHERE customer_no = 'C100003'"), 0);
  }

  // A wrong type and a NULL into NOT NULL: those two are parked with the
  // database's message, the rest of the batch lands.
  void bad_records_are_parked() {
    seed_source(50);
    exec(
        "UPDATE crm_customers SET qty_text = 'abc' WHERE id = 10;"
        "UPDATE crm_customers SET name = NULL WHERE id = 20;");
    create_target();
    load(flow_yaml(""));
    RunReport r = run();
    FlowCounts c = counts(r, "customers");
    EXPECT_EQ(c.created, 48);
    EXPECT_EQ(c.failed, 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM customers"), 48);
    auto errors = store->errors(r.run_id, 10);
    ASSERT_TRUE(errors.ok());
    ASSERT_EQ(errors->size(), 2u);
    for (const RecordError& e : *errors) {
      EXPECT_EQ(e.kind, ErrorKind::rejected);
      EXPECT_EQ(e.status, RecordErrorStatus::parked);
      const std::string& want =
          e.source_id == "10" ? dialect->bad_integer_message : dialect->not_null_message;
      EXPECT_NE(e.message.find(want), std::string::npos) << e.message;
      EXPECT_EQ(e.message.find(server->password), std::string::npos);
    }
  }

  // 100,000 rows end to end, then an incremental run that reads nothing new.
  void hundred_thousand_rows() {
    seed_source(100000);
    create_target();
    load(flow_yaml(", cursor_field: updated_at, batch_size: 2000", "", ", batch_size: 1000"));
    auto t0 = std::chrono::steady_clock::now();
    FlowCounts c = counts(run(), "customers");
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(c.read, 100000);
    EXPECT_EQ(c.created, 100000);
    EXPECT_EQ(count("SELECT COUNT(*) FROM customers"), 100000);
    EXPECT_EQ(scalar("SELECT balance FROM customers WHERE customer_no = 'C199999'"), "99999.19");
    std::printf("%s (%s): 100000 rows in %.2f s\n", dialect->connector.c_str(),
                server->kind.c_str(), secs);
    c = counts(run(), "customers");
    EXPECT_LE(c.read, 1);
  }

  // `crmsync check`: connects, describes the source table, and names a
  // mapped column the table does not have; a query source is not described.
  void check_describes_sources() {
    seed_source(1);
    create_target();
    load(
        flow_yaml(", query: \"SELECT * FROM crm_customers WHERE company = :company\", "
                  "params: {company: ACME}"));
    ValidationResult v = validate_config(config, true);
    EXPECT_TRUE(v.errors.empty()) << (v.errors.empty() ? "" : v.errors[0].to_string());

    std::string yaml = flow_yaml("");
    yaml.replace(yaml.find("qty: qty_text"), 13, "qty: qty_txt");
    load(yaml);
    v = validate_config(config, true);
    ASSERT_FALSE(v.errors.empty());
    EXPECT_NE(v.errors[0].to_string().find("qty_txt"), std::string::npos)
        << v.errors[0].to_string();
  }

  // `crmsync discover`: the source table is listed, and described with its
  // key, types and NOT NULL columns.
  void discovers_tables_and_columns() {
    seed_source(1);
    auto conn = connect(false);
    ASSERT_NE(conn, nullptr);
    auto objects = conn->list_objects();
    ASSERT_TRUE(objects.ok()) << objects.error().message;
    std::string found;
    for (const std::string& o : *objects) {
      // Qualified by its schema when the connection names none (ODBC).
      if (o == "crm_customers" || o.ends_with(".crm_customers")) found = o;
    }
    ASSERT_FALSE(found.empty()) << "crm_customers not among " << objects->size() << " objects";
    auto schema = conn->describe(found);
    ASSERT_TRUE(schema.ok()) << schema.error().message;
    EXPECT_EQ(schema->id_field, "id");
    auto field = [&](const std::string& name) -> const FieldInfo* {
      for (const FieldInfo& f : schema->fields) {
        if (f.name == name) return &f;
      }
      ADD_FAILURE() << "no field " << name;
      return nullptr;
    };
    if (const FieldInfo* f = field("id")) {
      EXPECT_TRUE(f->key);
      EXPECT_EQ(f->type, ValueType::integer);
    }
    if (const FieldInfo* f = field("customer_no")) {
      EXPECT_FALSE(f->nullable);
      EXPECT_FALSE(f->key);
    }
    if (const FieldInfo* f = field("balance")) {
      EXPECT_EQ(f->type, ValueType::decimal);
    }
    if (const FieldInfo* f = field("born")) {
      EXPECT_EQ(f->type, ValueType::date);
    }
    if (const FieldInfo* f = field("name")) {
      EXPECT_TRUE(f->nullable);
      EXPECT_EQ(f->type, ValueType::string);
    }
  }

  // A wrong password: an auth error that does not quote the password.
  void wrong_password_is_not_echoed() {
    seed_source(1);
    const std::string secret = "Wrong-Secret-Pw-77";
    std::string yaml = flow_yaml("");
    yaml.replace(yaml.find(server->password), server->password.size(), secret);
    load(yaml);
    SyncEngine engine(config, *store, clock);
    auto r = engine.run({});
    std::string text = r.ok() ? r->flows["customers"].error : r.error().message;
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(text.find(secret), std::string::npos) << text;
    EXPECT_NE(text.find(server->user), std::string::npos) << text;  // names who was refused
  }
};

}  // namespace crmsync::testing
