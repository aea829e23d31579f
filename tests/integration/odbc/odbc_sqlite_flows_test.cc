#include "support/sql_flow_scenarios.h"

namespace crmsync::testing {
namespace {

// The shared SQL scenarios through unixODBC and the SQLite3 ODBC driver on
// temp files. Not here: a wrong type (SQLite stores 'abc' in an INTEGER
// column) and passwords (SQLite has none).
class OdbcSqliteFlows : public SqlFlowScenarios {
 protected:
  void SetUp() override { use("odbc-sqlite"); }
};

TEST_F(OdbcSqliteFlows, FullThenIncrementalThenOnlyEdits) {
  full_incremental_edits();
}
TEST_F(OdbcSqliteFlows, MirrorDeletesRowsGoneFromTheSource) {
  mirror_with_deletes();
}
TEST_F(OdbcSqliteFlows, QuerySourceWithNamedParameter) {
  query_source_with_params();
}
TEST_F(OdbcSqliteFlows, HundredThousandRows) {
  hundred_thousand_rows();
}
TEST_F(OdbcSqliteFlows, CheckDescribesSourcesAndNamesMissingColumns) {
  check_describes_sources();
}
TEST_F(OdbcSqliteFlows, DiscoverListsTablesWithColumnTypesAndKeys) {
  discovers_tables_and_columns();
}

}  // namespace
}  // namespace crmsync::testing
