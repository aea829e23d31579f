#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "filter/filter.h"
#include "sandbox/salesforce/sf_error.h"

namespace crmsync::sandbox::salesforce {

// A parsed SOQL statement of the subset the sandbox answers:
//   SELECT f, Parent.f | COUNT() | COUNT(f) [alias], ... FROM Object [WHERE <filter language>]
//   [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]
// The WHERE clause is parsed by the shared filter layer (src/filter/).
struct SoqlField {
  std::string path;   // as written: "Account.Name"
  size_t column = 0;  // 1-based position in the statement, for error carets
};

// COUNT(fieldName) [alias]: rows whose field is not null, answered as an
// AggregateResult record under the alias, else expr0, expr1, ... in order.
struct SoqlCount {
  SoqlField field;
  std::string alias;
};

struct SoqlOrder {
  SoqlField field;
  bool descending = false;
  bool nulls_last = false;  // default: NULLS FIRST for ASC, NULLS LAST for DESC
};

struct SoqlQuery {
  std::string text;
  std::vector<SoqlField> fields;
  bool count_only = false;        // SELECT COUNT()
  std::vector<SoqlCount> counts;  // SELECT COUNT(f), ... (no GROUP BY: no plain fields)
  std::string object;
  size_t object_column = 0;
  std::optional<filter::Filter> where;
  size_t where_column = 0;
  std::vector<SoqlOrder> order_by;
  std::optional<int64_t> limit;
  std::optional<int64_t> offset;
};

// Parses a statement; errors are MALFORMED_QUERY with Salesforce's caret
// message ("\n<query>\n   ^\nERROR at Row:1:Column:N\nunexpected token: ...").
std::variant<SoqlQuery, SfError> parse_soql(std::string_view text);

// The caret message Salesforce writes for a query error at `column` (1-based).
std::string soql_error_message(std::string_view query, size_t column, std::string_view detail);

}  // namespace crmsync::sandbox::salesforce
