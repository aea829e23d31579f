#include "support/sql_flow_scenarios.h"

namespace crmsync::testing {
namespace {

// The shared SQL scenarios through unixODBC and psqlODBC ("PostgreSQL
// Unicode") against the fixture's real PostgreSQL server.
class OdbcPostgresFlows : public SqlFlowScenarios {
 protected:
  void SetUp() override { use("odbc-postgres"); }
};

TEST_F(OdbcPostgresFlows, FullThenIncrementalThenOnlyEdits) {
  full_incremental_edits();
}
TEST_F(OdbcPostgresFlows, MirrorDeletesRowsGoneFromTheSource) {
  mirror_with_deletes();
}
TEST_F(OdbcPostgresFlows, QuerySourceWithNamedParameter) {
  query_source_with_params();
}
TEST_F(OdbcPostgresFlows, BadRecordsAreParkedAndTheBatchLands) {
  bad_records_are_parked();
}
TEST_F(OdbcPostgresFlows, HundredThousandRows) {
  hundred_thousand_rows();
}
TEST_F(OdbcPostgresFlows, CheckDescribesSourcesAndNamesMissingColumns) {
  check_describes_sources();
}
TEST_F(OdbcPostgresFlows, DiscoverListsTablesWithColumnTypesAndKeys) {
  discovers_tables_and_columns();
}
TEST_F(OdbcPostgresFlows, WrongPasswordIsNotEchoed) {
  wrong_password_is_not_echoed();
}

}  // namespace
}  // namespace crmsync::testing
