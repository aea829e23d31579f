#include "connectors/odbc/odbc_dialect.h"

#include <gtest/gtest.h>

namespace crmsync {
namespace {

// SQL Server's upsert is one MERGE over a VALUES table, holding the key
// range lock (HOLDLOCK) so that two writers cannot both insert a key.
TEST(OdbcDialect, SqlServerUpsertIsMergeWithHoldlock) {
  std::string sql = odbc_merge_statement(OdbcDialect::sqlserver, "[dbo].[acc]", {"code", "name"},
                                         "(?, ?), (?, ?)", "code");
  EXPECT_EQ(sql,
            "MERGE INTO [dbo].[acc] WITH (HOLDLOCK) AS crmsync_t USING (VALUES (?, ?), (?, ?)) AS "
            "crmsync_s ([code], [name]) ON crmsync_t.[code] = crmsync_s.[code] WHEN MATCHED THEN "
            "UPDATE SET [name] = crmsync_s.[name] WHEN NOT MATCHED THEN INSERT ([code], [name]) "
            "VALUES (crmsync_s.[code], crmsync_s.[name]);");
  // Only the key: nothing to update, insert the missing ones.
  sql = odbc_merge_statement(OdbcDialect::sqlserver, "[t]", {"code"}, "(?)", "code");
  EXPECT_EQ(sql.find("WHEN MATCHED"), std::string::npos);
  EXPECT_NE(sql.find("WHEN NOT MATCHED THEN INSERT ([code])"), std::string::npos);
}

TEST(OdbcDialect, QuotingAndUpsertClausesPerDialect) {
  EXPECT_EQ(odbc_quote(OdbcDialect::sqlserver, "a]b"), "[a]]b]");
  EXPECT_EQ(odbc_quote(OdbcDialect::postgres, "a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(odbc_quote(OdbcDialect::mysql, "a`b"), "`a``b`");
  EXPECT_EQ(odbc_upsert_clause(OdbcDialect::sqlite, "k", {"k", "v"}),
            "ON CONFLICT (\"k\") DO UPDATE SET \"v\" = excluded.\"v\"");
  EXPECT_EQ(odbc_upsert_clause(OdbcDialect::postgres, "k", {"k"}),
            "ON CONFLICT (\"k\") DO NOTHING");
  EXPECT_EQ(odbc_upsert_clause(OdbcDialect::mysql, "k", {"k", "v"}),
            "ON DUPLICATE KEY UPDATE `v` = VALUES(`v`)");
  EXPECT_EQ(odbc_max_params(OdbcDialect::sqlserver), 2000u);
  EXPECT_EQ(odbc_column_type(OdbcDialect::sqlserver, Value(true), false), "BIT");
  EXPECT_EQ(odbc_column_type(OdbcDialect::sqlserver, Value("x"), true), "NVARCHAR(450)");
  EXPECT_EQ(parse_odbc_dialect("sqlserver"), OdbcDialect::sqlserver);
  EXPECT_FALSE(parse_odbc_dialect("oracle").has_value());
}

// The filter renders `?` placeholders and the dialect's identifier quotes.
TEST(OdbcDialect, FilterRendersQuestionMarksForEveryDialect) {
  auto f = filter::Filter::parse("Name = 'x' AND Amount > 5");
  ASSERT_TRUE(f.ok());
  for (OdbcDialect d :
       {OdbcDialect::sqlserver, OdbcDialect::postgres, OdbcDialect::sqlite, OdbcDialect::generic}) {
    auto sql = f->to_sql(odbc_filter_dialect(d), 0);
    ASSERT_TRUE(sql.ok());
    EXPECT_EQ(sql->where, "(\"Name\" = ? AND \"Amount\" > ?)");
    EXPECT_EQ(sql->params.size(), 2u);
  }
  auto my = f->to_sql(odbc_filter_dialect(OdbcDialect::mysql), 0);
  ASSERT_TRUE(my.ok());
  EXPECT_EQ(my->where, "(`Name` = ? AND `Amount` > ?)");
}

}  // namespace
}  // namespace crmsync
