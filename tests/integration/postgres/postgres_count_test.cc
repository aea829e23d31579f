#include <gtest/gtest.h>

#include "support/sql_count_checks.h"

namespace crmsync::testing {
namespace {

class PostgresCount : public SqlCountFixture {
 protected:
  void SetUp() override { use("postgres"); }
};

TEST_F(PostgresCount, CountIsWhatReadReturnsWithFilterAndCursor) {
  check_counts_match_reads();
}

TEST_F(PostgresCount, QuerySourceIsCountedAsASubquery) {
  check_query_source_counts();
}

}  // namespace
}  // namespace crmsync::testing
