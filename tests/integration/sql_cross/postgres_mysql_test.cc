#include <gtest/gtest.h>

#include "support/sql_flow_fixture.h"

namespace crmsync::testing {
namespace {

// PostgreSQL -> MariaDB -> PostgreSQL through the engine: the types that
// matter (exact decimals, dates, zoned timestamps, booleans) survive both ways.
class PostgresMysql : public SqlFlowFixture {};

TEST_F(PostgresMysql, RoundTripKeepsDecimalsDatesAndTimestamps) {
  use("mariadb");
  const SqlServerInfo& maria = *server;
  std::string maria_db = database;
  std::string maria_conn = connection_yaml(true);
  create_target();  // customers in MariaDB

  use("postgres");
  seed_source(500);
  std::string pg_conn = connection_yaml(true);
  load("connections:\n  pg: " + pg_conn + "\n  my: " + maria_conn +
       "\nflows:\n"
       "  to_mysql:\n"
       "    source: {connection: pg, object: crm_customers, id_field: id, cursor_field: "
       "updated_at}\n"
       "    target: {connection: my, object: customers, id_field: id, external_id: customer_no}\n"
       "    mapping: {customer_no: customer_no, name: name, balance: balance, active: active, "
       "born: born, updated_at: updated_at}\n"
       "  back_to_postgres:\n"
       "    source: {connection: my, object: customers, id_field: id, cursor_field: updated_at}\n"
       "    target: {connection: pg, object: customers_copy, id_field: customer_no, "
       "external_id: customer_no}\n"
       "    mapping: {customer_no: customer_no, name: name, balance: balance, active: active, "
       "born: born, updated_at: updated_at}\n");
  RunReport r = run();
  EXPECT_EQ(counts(r, "to_mysql").created, 500);
  EXPECT_EQ(counts(r, "back_to_postgres").created, 500);
  EXPECT_EQ(maria.scalar(maria_db, "SELECT balance FROM customers WHERE customer_no = 'C100321'"),
            "321.61");
  EXPECT_EQ(maria.scalar(maria_db,
                         "SELECT updated_at FROM customers WHERE customer_no = "
                         "'C100321'"),
            "2024-01-01 00:05:21.000000");
  EXPECT_EQ(count("SELECT COUNT(*) FROM customers_copy c JOIN crm_customers s USING "
                  "(customer_no) WHERE c.balance = s.balance AND c.born = s.born AND "
                  "c.updated_at = s.updated_at AND c.active = s.active"),
            500);

  r = run();  // nothing changed on either side
  EXPECT_EQ(counts(r, "to_mysql").created + counts(r, "to_mysql").updated, 0);
  EXPECT_EQ(counts(r, "back_to_postgres").created + counts(r, "back_to_postgres").updated, 0);
}

}  // namespace
}  // namespace crmsync::testing
