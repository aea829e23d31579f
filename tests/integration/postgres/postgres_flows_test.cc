#include "support/sql_flow_scenarios.h"

namespace crmsync::testing {
namespace {

class PostgresFlows : public SqlFlowScenarios {
 protected:
  void SetUp() override { use("postgres"); }
};

TEST_F(PostgresFlows, FullThenIncrementalThenOnlyEdits) {
  full_incremental_edits();
}
TEST_F(PostgresFlows, MirrorDeletesRowsGoneFromTheSource) {
  mirror_with_deletes();
}
TEST_F(PostgresFlows, QuerySourceWithNamedParameter) {
  query_source_with_params();
}
TEST_F(PostgresFlows, BadRecordsAreParkedAndTheBatchLands) {
  bad_records_are_parked();
}
TEST_F(PostgresFlows, HundredThousandRows) {
  hundred_thousand_rows();
}
TEST_F(PostgresFlows, CheckDescribesSourcesAndNamesMissingColumns) {
  check_describes_sources();
}
TEST_F(PostgresFlows, DiscoverListsTablesWithColumnTypesAndKeys) {
  discovers_tables_and_columns();
}
TEST_F(PostgresFlows, WrongPasswordIsNotEchoed) {
  wrong_password_is_not_echoed();
}

}  // namespace
}  // namespace crmsync::testing
