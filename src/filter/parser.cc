#include <algorithm>
#include <cctype>

#include "filter/ast.h"

namespace crmsync::filter {
namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

struct Token {
  enum Kind { end, ident, string, number, op, lparen, rparen, comma, datetime } kind = end;
  std::string text;
  size_t column = 0;  // 1-based
};

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) { advance(); }

  Result<std::unique_ptr<Expr>> parse() {
    auto e = parse_or();
    if (!e) return e;
    // A quote opened after a whole expression ends the tokens like the end
    // of the text does: without this, `Amount > 15 'x` passed as `Amount > 15`.
    if (unterminated_) return fail("a closing quote");
    if (tok_.kind != Token::end) return fail("expected AND, OR or the end");
    return e;
  }

 private:
  Error fail(const std::string& expected) const {
    std::string found = tok_.kind == Token::end ? "end of filter" : "'" + tok_.text + "'";
    return Error(ErrorKind::fatal,
                 "column " + std::to_string(tok_.column) + ": " + expected + ", found " + found);
  }

  void advance() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    tok_ = Token{};
    tok_.column = pos_ + 1;
    if (pos_ >= s_.size()) return;
    char c = s_[pos_];
    if (c == '(' || c == ')' || c == ',') {
      tok_.kind = c == '(' ? Token::lparen : c == ')' ? Token::rparen : Token::comma;
      tok_.text = std::string(1, c);
      ++pos_;
      return;
    }
    if (c == '\'') {
      std::string out;
      size_t i = pos_ + 1;
      for (; i < s_.size() && s_[i] != '\''; ++i) {
        if (s_[i] == '\\' && i + 1 < s_.size()) {
          char n = s_[++i];
          // \% and \_ keep their backslash: they are LIKE escapes.
          if (n == '%' || n == '_') out += '\\';
          out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
        } else {
          out += s_[i];
        }
      }
      if (i >= s_.size()) {
        tok_.kind = Token::end;
        tok_.text = "unterminated string";
        unterminated_ = true;
        pos_ = s_.size();
        return;
      }
      tok_.kind = Token::string;
      tok_.text = out;
      pos_ = i + 1;
      return;
    }
    if (c == '=' || c == '<' || c == '>' || c == '!') {
      size_t n = 1;
      if (pos_ + 1 < s_.size() && (s_[pos_ + 1] == '=' || (c == '<' && s_[pos_ + 1] == '>'))) n = 2;
      tok_.kind = Token::op;
      tok_.text = std::string(s_.substr(pos_, n));
      pos_ += n;
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') {
      size_t i = pos_ + 1;
      while (i < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i])) || s_[i] == '.' ||
                               s_[i] == ':' || s_[i] == '-' || s_[i] == '+')) {
        ++i;
      }
      tok_.text = std::string(s_.substr(pos_, i - pos_));
      tok_.kind = tok_.text.find('-', 1) != std::string::npos && tok_.text.size() >= 10
                      ? Token::datetime
                      : Token::number;
      pos_ = i;
      return;
    }
    if (is_ident_char(c)) {
      size_t i = pos_;
      while (i < s_.size() && (is_ident_char(s_[i]) || s_[i] == ':')) ++i;
      tok_.kind = Token::ident;
      tok_.text = std::string(s_.substr(pos_, i - pos_));
      pos_ = i;
      return;
    }
    tok_.kind = Token::op;
    tok_.text = std::string(1, c);
    ++pos_;
  }

  bool keyword(const char* k) const { return tok_.kind == Token::ident && upper(tok_.text) == k; }

  Result<std::unique_ptr<Expr>> parse_or() {
    auto l = parse_and();
    if (!l) return l;
    std::unique_ptr<Expr> left = std::move(*l);
    while (keyword("OR")) {
      advance();
      auto r = parse_and();
      if (!r) return r;
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::or_;
      e->left = std::move(left);
      e->right = std::move(*r);
      left = std::move(e);
    }
    return left;
  }

  Result<std::unique_ptr<Expr>> parse_and() {
    auto l = parse_not();
    if (!l) return l;
    std::unique_ptr<Expr> left = std::move(*l);
    while (keyword("AND")) {
      advance();
      auto r = parse_not();
      if (!r) return r;
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::and_;
      e->left = std::move(left);
      e->right = std::move(*r);
      left = std::move(e);
    }
    return left;
  }

  Result<std::unique_ptr<Expr>> parse_not() {
    if (keyword("NOT")) {
      advance();
      auto c = parse_not();
      if (!c) return c;
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::not_;
      e->left = std::move(*c);
      return e;
    }
    if (tok_.kind == Token::lparen) {
      advance();
      auto e = parse_or();
      if (!e) return e;
      if (tok_.kind != Token::rparen) return fail("expected ')'");
      advance();
      return e;
    }
    return parse_condition();
  }

  Result<std::unique_ptr<Expr>> parse_condition() {
    if (tok_.kind != Token::ident || keyword("AND") || keyword("OR")) {
      return fail(unterminated_ ? "a closing quote" : "expected a field name");
    }
    auto e = std::make_unique<Expr>();
    e->field = tok_.text;
    advance();
    if (keyword("NOT")) {
      advance();
      if (keyword("IN")) {
        e->kind = Expr::Kind::not_in;
      } else if (keyword("LIKE")) {
        // "f NOT LIKE x" == NOT (f LIKE x)
        advance();
        auto lit = parse_literal();
        if (!lit) return lit.error();
        e->kind = Expr::Kind::like;
        e->values.push_back(std::move(*lit));
        auto n = std::make_unique<Expr>();
        n->kind = Expr::Kind::not_;
        n->left = std::move(e);
        return n;
      } else {
        return fail("expected IN or LIKE after NOT");
      }
    } else if (keyword("IN")) {
      e->kind = Expr::Kind::in;
    } else if (keyword("LIKE")) {
      e->kind = Expr::Kind::like;
      advance();
      auto lit = parse_literal();
      if (!lit) return lit.error();
      if (!lit->value.is_string()) return Error(ErrorKind::fatal, "LIKE needs a quoted pattern");
      e->values.push_back(std::move(*lit));
      return e;
    } else if (tok_.kind == Token::op) {
      const std::string& o = tok_.text;
      if (o == "=")
        e->op = Op::eq;
      else if (o == "!=" || o == "<>")
        e->op = Op::ne;
      else if (o == "<")
        e->op = Op::lt;
      else if (o == "<=")
        e->op = Op::le;
      else if (o == ">")
        e->op = Op::gt;
      else if (o == ">=")
        e->op = Op::ge;
      else
        return fail("expected an operator (= != < <= > >= IN NOT IN LIKE)");
      advance();
      auto lit = parse_literal();
      if (!lit) return lit.error();
      e->values.push_back(std::move(*lit));
      return e;
    } else {
      return fail("expected an operator (= != < <= > >= IN NOT IN LIKE) after '" + e->field + "'");
    }
    advance();  // past IN
    if (tok_.kind != Token::lparen) return fail("expected '(' after IN");
    advance();
    if (keyword("SELECT")) return parse_subquery(std::move(e));
    while (true) {
      auto lit = parse_literal();
      if (!lit) return lit.error();
      e->values.push_back(std::move(*lit));
      if (tok_.kind == Token::comma) {
        advance();
        continue;
      }
      if (tok_.kind == Token::rparen) break;
      return fail("expected ',' or ')' in the IN list");
    }
    advance();
    return e;
  }

  // After "field [NOT] IN (": SELECT f FROM Object [WHERE expr] ")".
  Result<std::unique_ptr<Expr>> parse_subquery(std::unique_ptr<Expr> e) {
    if (nested_) return fail("expected a value: semi-joins cannot be nested");
    advance();  // past SELECT
    auto sub = std::make_unique<Subquery>();
    if (tok_.kind != Token::ident || keyword("FROM")) return fail("expected a field after SELECT");
    sub->select_field = tok_.text;
    advance();
    if (!keyword("FROM")) return fail("expected FROM after the subquery's field");
    advance();
    if (tok_.kind != Token::ident || keyword("WHERE")) return fail("expected an object after FROM");
    sub->object = tok_.text;
    advance();
    if (keyword("WHERE")) {
      advance();
      nested_ = true;
      auto w = parse_or();
      nested_ = false;
      if (!w) return w;
      sub->where = std::move(*w);
    }
    if (tok_.kind != Token::rparen) return fail("expected ')' to close the subquery");
    advance();
    e->kind = e->kind == Expr::Kind::in ? Expr::Kind::in_select : Expr::Kind::not_in_select;
    e->sub = std::move(sub);
    return e;
  }

  Result<Literal> parse_literal() {
    Literal lit;
    lit.text = tok_.text;
    switch (tok_.kind) {
      case Token::string:
        lit.value = Value(tok_.text);
        break;
      case Token::number: {
        auto d = Decimal::parse(tok_.text);
        if (!d) return fail("expected a value");
        auto i = d->to_int64();
        lit.value = i && tok_.text.find('.') == std::string::npos ? Value(*i) : Value(*d);
        break;
      }
      case Token::datetime: {
        if (auto d = Date::parse(tok_.text)) {
          lit.value = Value(*d);
        } else if (auto t = DateTime::parse(tok_.text)) {
          lit.value = Value(*t);
        } else {
          return fail("expected a date (2024-01-31) or a datetime with a zone");
        }
        break;
      }
      case Token::ident: {
        std::string u = upper(tok_.text);
        if (u == "NULL") {
          lit.value = Value();
        } else if (u == "TRUE" || u == "FALSE") {
          lit.value = Value(u == "TRUE");
        } else {
          std::string name = u, arg;
          size_t colon = u.find(':');
          if (colon != std::string::npos) {
            name = u.substr(0, colon);
            arg = u.substr(colon + 1);
          }
          static const char* kPlain[] = {"TODAY",      "YESTERDAY", "TOMORROW", "THIS_MONTH",
                                         "LAST_MONTH", "THIS_YEAR", "LAST_YEAR"};
          bool ok = false;
          for (const char* k : kPlain) ok = ok || (name == k && arg.empty());
          if ((name == "LAST_N_DAYS" || name == "NEXT_N_DAYS") && !arg.empty()) {
            ok = arg.find_first_not_of("0123456789") == std::string::npos && arg.size() < 6;
            if (ok) lit.n = std::stoi(arg);
          }
          if (!ok)
            return fail(
                "expected a value ('text', number, TRUE, FALSE, NULL, a date or a date literal)");
          lit.date_literal = name;
          lit.text = u;
        }
        break;
      }
      default:
        return fail(unterminated_ ? "a closing quote" : "expected a value");
    }
    advance();
    return lit;
  }

  std::string_view s_;
  size_t pos_ = 0;
  Token tok_;
  bool unterminated_ = false;
  bool nested_ = false;  // inside a subquery's WHERE
};

void collect_fields(const Expr& e, std::vector<std::string>& out) {
  if (e.left) collect_fields(*e.left, out);
  if (e.right) collect_fields(*e.right, out);
  if (!e.field.empty() && std::find(out.begin(), out.end(), e.field) == out.end()) {
    out.push_back(e.field);
  }
}

}  // namespace

Filter::Filter() = default;
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;
Filter::~Filter() = default;

Result<Filter> Filter::parse(std::string_view text) {
  Parser p(text);
  auto root = p.parse();
  if (!root) return root.error();
  Filter f;
  f.text_ = std::string(text);
  f.root_ = std::move(*root);
  return f;
}

namespace {

void collect_subqueries(const Expr& e, std::vector<const Expr*>& out) {
  if (e.left) collect_subqueries(*e.left, out);
  if (e.right) collect_subqueries(*e.right, out);
  if (e.sub) out.push_back(&e);
}

}  // namespace

std::vector<Filter::SubqueryInfo> Filter::subqueries() const {
  std::vector<const Expr*> found;
  if (root_) collect_subqueries(*root_, found);
  std::vector<SubqueryInfo> out;
  for (const Expr* e : found) {
    out.push_back({e->sub->select_field, e->sub->object,
                   e->sub->where ? expr_to_soql(*e->sub->where) : std::string()});
  }
  return out;
}

void Filter::set_subquery_values(size_t index, std::vector<std::string> values) const {
  std::vector<const Expr*> found;
  if (root_) collect_subqueries(*root_, found);
  if (index >= found.size()) return;
  found[index]->sub->values =
      std::make_shared<const std::unordered_set<std::string>>(values.begin(), values.end());
}

Filter Filter::negated() const {
  // No filter selects everything, so its negation selects nothing.
  if (!root_) return Filter::parse("Id = NULL AND Id != NULL").value();
  auto f = Filter::parse("NOT (" + text_ + ")");
  return std::move(f).value();  // a parsed filter's text, wrapped, parses again
}

std::vector<std::string> Filter::fields() const {
  std::vector<std::string> out;
  if (root_) collect_fields(*root_, out);
  return out;
}

}  // namespace crmsync::filter
