#include <gtest/gtest.h>

#include "support/sql_count_checks.h"

namespace crmsync::testing {
namespace {

class MysqlCount : public SqlCountFixture {
 protected:
  void SetUp() override { use("mariadb"); }
};

TEST_F(MysqlCount, CountIsWhatReadReturnsWithFilterAndCursor) {
  check_counts_match_reads();
}

TEST_F(MysqlCount, QuerySourceIsCountedAsASubquery) {
  check_query_source_counts();
}

}  // namespace
}  // namespace crmsync::testing
