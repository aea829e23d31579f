#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/result.h"

namespace crmsync::filter {

// The one filter language of crmsync: the SOQL WHERE subset
//   comparisons  = != <> < > <= >=  (field op literal)
//   membership   field IN (a, b)  field NOT IN (a, b)
//   pattern      field LIKE 'Ac%'   (% any run, _ one char; case-insensitive as in SOQL)
//   logic        AND, OR, NOT, parentheses
//   literals     'strings' (backslash escapes), numbers (exact decimals),
//                TRUE/FALSE, NULL, dates 2024-01-31, datetimes
//                2024-01-31T12:00:00Z, date literals TODAY, YESTERDAY,
//                TOMORROW, LAST_N_DAYS:n, NEXT_N_DAYS:n, THIS_MONTH, LAST_MONTH
//                (resolved against the evaluation clock, in UTC)
//   fields       Name, Account.Name (parent paths)
//   semi-joins   Id IN (SELECT Primary_Borrower__c FROM Loan__c WHERE ...),
//                NOT IN (SELECT ...): pushed down to SOQL and SQL as written;
//                evaluated in-process only once their values are set
// Keywords are case-insensitive. One parser, three back ends: evaluate on a
// record, render as SOQL (pushed down to Salesforce verbatim), render as
// parameterised SQL.
struct Expr;

class Filter {
 public:
  // Parses filter text. Errors are ErrorKind::fatal and say the column and
  // what was expected: "column 17: expected a value after '=', found end".
  static Result<Filter> parse(std::string_view text);

  Filter();
  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;
  ~Filter();

  // Every field name the filter reads, in order of first use.
  std::vector<std::string> fields() const;

  // True when the record passes. `now_micros` (UTC, since epoch) resolves date
  // literals; a missing field is NULL; comparisons with NULL are false
  // except `= NULL` / `!= NULL`, as in SOQL.
  bool matches(const Record& record, int64_t now_micros) const;

  // SOQL WHERE clause text (without the WHERE keyword).
  std::string to_soql() const;

  enum class SqlDialect { sqlite, postgres, mysql, odbc };
  struct Sql {
    std::string where;          // with `?` placeholders (`$1..` for postgres)
    std::vector<Value> params;  // in placeholder order; values are never pasted into text
  };
  // Parameterised SQL WHERE clause. Field names are quoted for the dialect;
  // date literals become parameters computed from `now_micros`. Parent paths
  // (Account.Name) are an error here: SQL sources have flat rows.
  Result<Sql> to_sql(SqlDialect dialect, int64_t now_micros, int first_param_index = 1) const;

  const std::string& text() const { return text_; }

  // The semi-joins, in order of appearance: what a source must run before
  // `matches` can decide them (the Salesforce sandbox runs them itself).
  struct SubqueryInfo {
    std::string select_field;
    std::string object;
    std::string where_soql;  // empty: no WHERE
  };
  std::vector<SubqueryInfo> subqueries() const;
  // Sets the values the i-th subquery returned; until set, `matches` treats
  // the semi-join as matching nothing (IN) / everything non-null (NOT IN).
  void set_subquery_values(size_t index, std::vector<std::string> values) const;

  // NOT (this filter): what left a pushed-down filter's scope.
  Filter negated() const;

 private:
  std::string text_;
  std::unique_ptr<Expr> root_;
};

}  // namespace crmsync::filter
