// The filter language: parse, evaluate, render. A parsed filter's SOQL
// rendering (pushed down to Salesforce verbatim) must parse again to the
// same tree: rendering that again gives the same text (the rendering writes
// every node of the tree) and it evaluates alike. Its SQL rendering must
// carry one parameter per placeholder; its negation must evaluate opposite.
#include "filter/filter.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"

namespace {

using crmsync::Record;
using crmsync::filter::Filter;

const Record& sample() {
  static const Record r = [] {
    Record rec(crmsync::make_field_names({"Name", "Amount", "Stage", "Count", "Active", "Closed"}));
    rec.value(0) = "Acme Corp";
    rec.value(1) = *crmsync::Decimal::parse("1500.50");
    rec.value(2) = "Closed Won";
    rec.value(3) = int64_t{3};
    rec.value(4) = true;
    rec.value(5) = *crmsync::Date::parse("2024-03-14");
    return rec;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = Filter::parse(text);
  if (!parsed) return 0;
  const Filter& f = *parsed;
  constexpr int64_t kNow = 1710496800000000;  // 2024-03-15T10:00:00Z
  bool matched = f.matches(sample(), kNow);
  (void)f.fields();
  (void)f.subqueries();

  std::string soql = f.to_soql();
  auto again = Filter::parse(soql);
  FUZZ_CHECK(again.ok(), "input: %.*s\nsoql: %s\nerror: %s", static_cast<int>(size), text.data(),
             soql.c_str(), again.ok() ? "" : again.error().message.c_str());
  FUZZ_CHECK(again->to_soql() == soql, "soql: %s\nagain: %s", soql.c_str(),
             again->to_soql().c_str());
  FUZZ_CHECK(again->matches(sample(), kNow) == matched, "soql: %s", soql.c_str());

  for (auto dialect : {Filter::SqlDialect::sqlite, Filter::SqlDialect::postgres,
                       Filter::SqlDialect::mysql, Filter::SqlDialect::odbc}) {
    auto sql = f.to_sql(dialect, kNow);
    if (!sql || dialect == Filter::SqlDialect::postgres) continue;
    // Field names are quoted identifiers and values travel as parameters, so
    // every '?' outside a quoted name is a placeholder.
    size_t marks = 0;
    char quote = 0;
    for (char c : sql->where) {
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '`' || c == '[') {
        quote = c == '[' ? ']' : c;
      } else if (c == '?') {
        ++marks;
      }
    }
    FUZZ_CHECK(marks == sql->params.size(), "sql: %s (%zu params)", sql->where.c_str(),
               sql->params.size());
  }
  Filter negated = f.negated();
  if (f.subqueries().empty()) {
    FUZZ_CHECK(negated.matches(sample(), kNow) != matched, "soql: %s", soql.c_str());
  }
  (void)negated.to_soql();
  return 0;
}
