#include "support/sql_flow_scenarios.h"

namespace crmsync::testing {
namespace {

class MysqlFlows : public SqlFlowScenarios {
 protected:
  void SetUp() override { use("mariadb"); }
};

TEST_F(MysqlFlows, FullThenIncrementalThenOnlyEdits) {
  full_incremental_edits();
}
TEST_F(MysqlFlows, MirrorDeletesRowsGoneFromTheSource) {
  mirror_with_deletes();
}
TEST_F(MysqlFlows, QuerySourceWithNamedParameter) {
  query_source_with_params();
}
TEST_F(MysqlFlows, BadRecordsAreParkedAndTheBatchLands) {
  bad_records_are_parked();
}
TEST_F(MysqlFlows, HundredThousandRows) {
  hundred_thousand_rows();
}
TEST_F(MysqlFlows, CheckDescribesSourcesAndNamesMissingColumns) {
  check_describes_sources();
}
TEST_F(MysqlFlows, DiscoverListsTablesWithColumnTypesAndKeys) {
  discovers_tables_and_columns();
}
TEST_F(MysqlFlows, WrongPasswordIsNotEchoed) {
  wrong_password_is_not_echoed();
}

}  // namespace
}  // namespace crmsync::testing
