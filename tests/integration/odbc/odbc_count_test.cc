#include <gtest/gtest.h>

#include "support/sql_count_checks.h"

namespace crmsync::testing {
namespace {

class OdbcPostgresCount : public SqlCountFixture {
 protected:
  void SetUp() override { use("odbc-postgres"); }
};

TEST_F(OdbcPostgresCount, CountIsWhatReadReturnsWithFilterAndCursor) {
  check_counts_match_reads();
}

TEST_F(OdbcPostgresCount, QuerySourceIsCountedAsASubquery) {
  check_query_source_counts();
}

class OdbcSqliteCount : public SqlCountFixture {
 protected:
  void SetUp() override { use("odbc-sqlite"); }
};

TEST_F(OdbcSqliteCount, CountIsWhatReadReturnsWithFilterAndCursor) {
  check_counts_match_reads();
}

}  // namespace
}  // namespace crmsync::testing
