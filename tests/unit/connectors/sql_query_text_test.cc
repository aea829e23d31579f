#include "connectors/sql/sql_query_text.h"

#include <gtest/gtest.h>

namespace crmsync {
namespace {

std::string dollar(size_t i) {
  return "$" + std::to_string(i);
}

TEST(SqlQueryText, NamedParamsBecomePlaceholdersOutsideQuotesAndComments) {
  Value values(Object{{"company", Value("ACME")}, {"since", Value(int64_t{5})}});
  std::vector<Value> params{Value("first")};
  auto sql = bind_named_params(
      "SELECT id::text, ':company' AS \"a:company\" FROM v -- :since\n"
      "WHERE company = :company AND n > :since /* :nope */ AND c = :company",
      values, dollar, 2, params);
  ASSERT_TRUE(sql.ok()) << sql.error().message;
  EXPECT_EQ(*sql,
            "SELECT id::text, ':company' AS \"a:company\" FROM v -- :since\n"
            "WHERE company = $2 AND n > $3 /* :nope */ AND c = $4");
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[1], Value("ACME"));
  EXPECT_EQ(params[2], Value(int64_t{5}));
  EXPECT_EQ(params[3], Value("ACME"));
}

TEST(SqlQueryText, AMissingValueIsAFatalErrorNamingIt) {
  std::vector<Value> params;
  auto sql =
      bind_named_params("SELECT * FROM t WHERE a = :region", Value(Object{}), dollar, 1, params);
  ASSERT_FALSE(sql.ok());
  EXPECT_EQ(sql.error().kind, ErrorKind::fatal);
  EXPECT_NE(sql.error().message.find(":region"), std::string::npos);
}

TEST(SqlQueryText, CodeSpansSkipEscapedAndDoubledQuotes) {
  std::string sql = "a 'it''s \\' ?' b `x?` c";
  std::string code;
  for_each_sql_code_span(sql, [&](size_t b, size_t e) { code += sql.substr(b, e - b) + "|"; });
  EXPECT_EQ(code, "a | b | c|");
}

}  // namespace
}  // namespace crmsync
