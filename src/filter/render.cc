#include "filter/ast.h"

namespace crmsync::filter {
namespace {

const char* op_text(Op op) {
  switch (op) {
    case Op::eq:
      return "=";
    case Op::ne:
      return "!=";
    case Op::lt:
      return "<";
    case Op::le:
      return "<=";
    case Op::gt:
      return ">";
    case Op::ge:
      return ">=";
  }
  return "=";
}

std::string soql_literal(const Literal& l) {
  if (!l.date_literal.empty()) {
    // Appended, not "literal" + std::string: GCC 12 warns falsely on that
    // at -O3 (-Wrestrict, GCC bug 105329).
    std::string text = l.date_literal;
    if (text.find("_N_") != std::string::npos) text.append(":").append(std::to_string(l.n));
    return text;
  }
  const Value& v = l.value;
  if (v.is_null()) return "NULL";
  if (v.is_bool()) return v.as_bool() ? "TRUE" : "FALSE";
  if (v.is_string()) {
    std::string out = "'";
    for (size_t i = 0; i < v.as_string().size(); ++i) {
      char c = v.as_string()[i];
      if (c == '\\') {
        // LIKE escapes (\% \_) stay as written; a lone backslash is escaped.
        char n = i + 1 < v.as_string().size() ? v.as_string()[i + 1] : '\0';
        out += (n == '%' || n == '_') ? "\\" : "\\\\";
        continue;
      }
      if (c == '\'') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    return out + "'";
  }
  return v.to_text();  // numbers exact, dates and datetimes unquoted ISO
}

// `parent` is the enclosing AND/OR: a chain of the same operator needs no
// parentheses, a different one gets them (for the reader, not for precedence).
void soql(const Expr& e, std::string& out, bool top, Expr::Kind parent = Expr::Kind::compare) {
  switch (e.kind) {
    case Expr::Kind::and_:
    case Expr::Kind::or_: {
      bool parens = !top && parent != e.kind;
      if (parens) out += '(';
      soql(*e.left, out, false, e.kind);
      out += e.kind == Expr::Kind::and_ ? " AND " : " OR ";
      soql(*e.right, out, false, e.kind);
      if (parens) out += ')';
      return;
    }
    case Expr::Kind::not_:
      out += "NOT (";
      soql(*e.left, out, true);
      out += ')';
      return;
    case Expr::Kind::compare:
      out += e.field + " " + op_text(e.op) + " " + soql_literal(e.values[0]);
      return;
    case Expr::Kind::like:
      out += e.field + " LIKE " + soql_literal(e.values[0]);
      return;
    case Expr::Kind::in:
    case Expr::Kind::not_in:
      out += e.field + (e.kind == Expr::Kind::in ? " IN (" : " NOT IN (");
      for (size_t i = 0; i < e.values.size(); ++i) {
        out += (i ? ", " : "") + soql_literal(e.values[i]);
      }
      out += ')';
      return;
    case Expr::Kind::in_select:
    case Expr::Kind::not_in_select:
      out += e.field + (e.kind == Expr::Kind::in_select ? " IN (SELECT " : " NOT IN (SELECT ");
      out += e.sub->select_field + " FROM " + e.sub->object;
      if (e.sub->where) {
        out += " WHERE ";
        soql(*e.sub->where, out, true);
      }
      out += ')';
      return;
  }
}

struct SqlWriter {
  Filter::SqlDialect dialect;
  int64_t now;
  int next;
  Filter::Sql out;
  // Inside a NOT. SQL compares a NULL to UNKNOWN and NOT keeps it UNKNOWN
  // (the row is dropped), where crmsync's comparison with a null is false
  // and NOT makes it true: comparisons there get `AND f IS NOT NULL`, which
  // turns UNKNOWN into false (filter_sqlite_differential_test).
  bool in_not = false;

  std::string null_safe(std::string test, const std::string& f) const {
    return in_not ? "(" + test + " AND " + f + " IS NOT NULL)" : test;
  }
  // A relative date literal's bound (always midnight UTC). SQLite keeps
  // dates and datetimes as text: a date bound ('2024-01-31') orders before
  // every datetime of that day and after the days before, for DATE and
  // TIMESTAMP columns alike; a datetime bound ('2024-01-31T00:00:00Z') put
  // the date '2024-01-31' itself before it.
  Value bound(int64_t micros) const {
    if (dialect == Filter::SqlDialect::sqlite) {
      return Value(Date{static_cast<int32_t>(micros / (86400LL * 1000000))});
    }
    return Value(DateTime{micros, 0});
  }

  std::string ident(const std::string& f) const {
    char q = dialect == Filter::SqlDialect::mysql ? '`' : '"';
    std::string s(1, q);
    for (char c : f) {
      if (c == q) s += q;
      s += c;
    }
    return s + q;
  }
  std::string param(Value v) {
    out.params.push_back(std::move(v));
    if (dialect == Filter::SqlDialect::postgres)
      return std::string("$").append(std::to_string(next++));
    ++next;
    return "?";
  }

  Status write(const Expr& e, std::string& s) {
    if (!e.field.empty() && e.field.find('.') != std::string::npos) {
      return Error(ErrorKind::fatal,
                   "field '" + e.field + "': parent paths are not available in SQL sources");
    }
    switch (e.kind) {
      case Expr::Kind::and_:
      case Expr::Kind::or_: {
        s += '(';
        if (Status st = write(*e.left, s); !st) return st;
        s += e.kind == Expr::Kind::and_ ? " AND " : " OR ";
        if (Status st = write(*e.right, s); !st) return st;
        s += ')';
        return {};
      }
      case Expr::Kind::not_: {
        s += "NOT (";
        bool outer = in_not;
        in_not = true;
        Status st = write(*e.left, s);
        in_not = outer;
        if (!st) return st;
        s += ')';
        return {};
      }
      case Expr::Kind::like: {
        std::string f = ident(e.field);
        const std::string& pat = e.values[0].value.as_string();
        std::string esc = pat.find('\\') != std::string::npos ? " ESCAPE '\\'" : "";
        std::string test;
        if (dialect == Filter::SqlDialect::postgres) {
          test = f + " ILIKE " + param(Value(pat)) + esc;
        } else if (dialect == Filter::SqlDialect::odbc) {
          test = "LOWER(" + f + ") LIKE LOWER(" + param(Value(pat)) + ")" + esc;
        } else {
          test = f + " LIKE " + param(Value(pat)) + esc;
        }
        s += null_safe(test, f);
        return {};
      }
      case Expr::Kind::in:
      case Expr::Kind::not_in: {
        std::string f = ident(e.field);
        bool has_null = false;
        std::string list;
        for (const Literal& l : e.values) {
          if (l.value.is_null()) {
            has_null = true;
            continue;
          }
          list += (list.empty() ? "" : ", ") + param(l.value);
        }
        bool in = e.kind == Expr::Kind::in;
        std::string part =
            list.empty() ? (in ? "1=0" : "1=1") : f + (in ? " IN (" : " NOT IN (") + list + ")";
        if (in) {
          s += has_null ? "(" + part + " OR " + f + " IS NULL)" : null_safe(part, f);
        } else {
          s += "(" + part + " AND " + f + " IS NOT NULL)";
        }
        return {};
      }
      case Expr::Kind::in_select:
      case Expr::Kind::not_in_select: {
        bool in = e.kind == Expr::Kind::in_select;
        s += ident(e.field) + (in ? " IN (SELECT " : " NOT IN (SELECT ") +
             ident(e.sub->select_field) + " FROM " + ident(e.sub->object);
        if (e.sub->where) {
          s += " WHERE ";
          if (Status st = write(*e.sub->where, s); !st) return st;
        }
        s += ')';
        return {};
      }
      case Expr::Kind::compare:
        break;
    }
    std::string f = ident(e.field);
    const Literal& l = e.values[0];
    if (!l.date_literal.empty()) {
      int64_t start, end;
      date_literal_range(l, now, start, end);
      Value a = bound(start), b = bound(end);
      // Placeholders are numbered in the order they are made: make them in
      // text order (operands of + have no defined evaluation order).
      if (e.op == Op::eq || e.op == Op::ne) {
        std::string pa = param(a);
        std::string pb = param(b);
        s += null_safe(e.op == Op::eq ? "(" + f + " >= " + pa + " AND " + f + " < " + pb + ")"
                                      : "(" + f + " < " + pa + " OR " + f + " >= " + pb + ")",
                       f);
      } else if (e.op == Op::lt) {
        s += null_safe(f + " < " + param(a), f);
      } else if (e.op == Op::le) {
        s += null_safe(f + " < " + param(b), f);
      } else if (e.op == Op::gt) {
        s += null_safe(f + " >= " + param(b), f);
      } else {
        s += null_safe(f + " >= " + param(a), f);
      }
      return {};
    }
    if (l.value.is_null()) {
      if (e.op == Op::eq) {
        s += f + " IS NULL";
      } else if (e.op == Op::ne) {
        s += f + " IS NOT NULL";
      } else {
        s += "1=0";
      }
      return {};
    }
    s += null_safe(f + " " + (e.op == Op::ne ? "<>" : op_text(e.op)) + " " + param(l.value), f);
    return {};
  }
};

}  // namespace

std::string expr_to_soql(const Expr& e) {
  std::string out;
  soql(e, out, true);
  return out;
}

std::string Filter::to_soql() const {
  std::string out;
  if (root_) soql(*root_, out, true);
  return out;
}

Result<Filter::Sql> Filter::to_sql(SqlDialect dialect, int64_t now_micros,
                                   int first_param_index) const {
  SqlWriter w{dialect, now_micros, first_param_index, {}};
  if (root_) {
    if (Status s = w.write(*root_, w.out.where); !s) return s.error();
  }
  return std::move(w.out);
}

}  // namespace crmsync::filter
