#pragma once

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/record.h"
#include "filter/filter.h"

namespace crmsync::filter {

enum class Op { eq, ne, lt, le, gt, ge };

// A literal: a value, or a relative date literal resolved at evaluation.
struct Literal {
  Value value;
  std::string date_literal;  // "TODAY", "LAST_N_DAYS" ... ; empty for plain values
  int n = 0;                 // for the _N_ forms
  std::string text;          // as written, for SOQL output
};

struct Expr;

// `field IN (SELECT select_field FROM object WHERE where)`: a SOQL semi-join.
struct Subquery {
  std::string select_field;
  std::string object;
  std::unique_ptr<Expr> where;  // null: no WHERE
  // The value set, once someone ran the subquery (Filter::set_subquery_values);
  // compared as text, as Salesforce ids and keys are.
  std::shared_ptr<const std::unordered_set<std::string>> values;
};

struct Expr {
  enum class Kind { and_, or_, not_, compare, in, not_in, like, in_select, not_in_select };
  Kind kind = Kind::compare;
  std::unique_ptr<Expr> left, right;  // and/or; not uses left
  std::string field;
  Op op = Op::eq;
  std::vector<Literal> values;    // compare/like: one; in: several
  std::unique_ptr<Subquery> sub;  // in_select, not_in_select

  // Field position for the last FieldNames seen (records of one stream
  // share one): avoids a name lookup per record.
  mutable const FieldNames* cached_names = nullptr;
  mutable int cached_index = -1;
};

// SOQL text of one expression (render.cc).
std::string expr_to_soql(const Expr& e);

// [start, end) in unix micros of a relative date literal at `now`, in UTC.
void date_literal_range(const Literal& lit, int64_t now_micros, int64_t& start, int64_t& end);

}  // namespace crmsync::filter
