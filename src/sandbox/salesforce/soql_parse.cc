#include <cctype>

#include "sandbox/salesforce/schema.h"
#include "sandbox/salesforce/soql.h"

namespace crmsync::sandbox::salesforce {
namespace {

struct Token {
  enum Kind { end, ident, string, number, punct } kind = end;
  std::string text;
  size_t pos = 0;  // 0-based offset in the statement
};

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    Token t;
    t.pos = i;
    if (i >= s.size()) {
      out.push_back(t);
      return out;
    }
    char c = s[i];
    if (c == '\'') {
      size_t j = i + 1;
      while (j < s.size() && s[j] != '\'') j += s[j] == '\\' ? 2 : 1;
      t.kind = Token::string;
      j = std::min(j + 1, s.size());
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' ||
                              s[j] == '.' || s[j] == ':')) {
        ++j;
      }
      t.kind = Token::ident;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' ||
                              s[j] == ':' || s[j] == '-' || s[j] == '+')) {
        ++j;
      }
      t.kind = Token::number;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else {
      t.kind = Token::punct;
      t.text = std::string(1, c);
      ++i;
    }
    out.push_back(std::move(t));
  }
}

class SoqlParser {
 public:
  explicit SoqlParser(std::string_view text) : text_(text), toks_(lex(text)) {}

  std::variant<SoqlQuery, SfError> parse() {
    SoqlQuery q;
    q.text = std::string(text_);
    if (!kw("SELECT")) return unexpected();
    ++at_;
    while (true) {
      if (kw("COUNT") && peek(1).text == "(" && peek(2).text == ")") {
        q.count_only = true;
        at_ += 3;
      } else if (kw("COUNT") && peek(1).text == "(" && peek(2).kind == Token::ident &&
                 peek(3).text == ")") {
        SoqlCount count{SoqlField{peek(2).text, peek(2).pos + 1}, ""};
        at_ += 4;
        if (tok().kind == Token::ident && !kw("FROM")) {
          count.alias = tok().text;
          ++at_;
        }
        q.counts.push_back(std::move(count));
      } else if (tok().kind == Token::ident && !kw("FROM")) {
        q.fields.push_back(SoqlField{tok().text, tok().pos + 1});
        ++at_;
      } else {
        return unexpected();
      }
      if (tok().text != ",") break;
      ++at_;
    }
    if (q.count_only && (!q.fields.empty() || !q.counts.empty())) return unexpected();
    if (!q.counts.empty() && !q.fields.empty()) {
      // Without GROUP BY (not supported here) a plain field beside an
      // aggregate is refused, as Salesforce does.
      return sf_error(
          400, "MALFORMED_QUERY",
          soql_error_message(text_, q.fields[0].column,
                             "Field must be grouped or aggregated: " + q.fields[0].path));
    }
    if (!kw("FROM")) return unexpected();
    ++at_;
    if (tok().kind != Token::ident) return unexpected();
    q.object = tok().text;
    q.object_column = tok().pos + 1;
    ++at_;
    if (kw("WHERE")) {
      ++at_;
      size_t start = tok().pos;
      if (at_clause_end()) return unexpected();
      int depth = 0;
      while (tok().kind != Token::end && !(depth == 0 && at_clause_end())) {
        depth += tok().text == "(" ? 1 : tok().text == ")" ? -1 : 0;
        ++at_;
      }
      std::string_view where = text_.substr(start, tok().pos - start);
      auto f = filter::Filter::parse(where);
      if (!f) return filter_error(f.error().message, start);
      q.where = std::move(*f);
      q.where_column = start + 1;
    }
    if (kw("ORDER") && iequals(peek(1).text, "BY")) {
      at_ += 2;
      while (true) {
        if (tok().kind != Token::ident) return unexpected();
        SoqlOrder o;
        o.field = SoqlField{tok().text, tok().pos + 1};
        ++at_;
        if (kw("ASC") || kw("DESC")) {
          o.descending = kw("DESC");
          ++at_;
        }
        o.nulls_last = o.descending;
        if (kw("NULLS")) {
          ++at_;
          if (!kw("FIRST") && !kw("LAST")) return unexpected();
          o.nulls_last = kw("LAST");
          ++at_;
        }
        q.order_by.push_back(std::move(o));
        if (tok().text != ",") break;
        ++at_;
      }
    }
    for (const char* clause : {"LIMIT", "OFFSET"}) {
      if (!kw(clause)) continue;
      ++at_;
      if (tok().kind != Token::number ||
          tok().text.find_first_not_of("0123456789") != std::string::npos ||
          tok().text.size() > 9) {
        return unexpected();
      }
      (clause[0] == 'L' ? q.limit : q.offset) = std::stoll(tok().text);
      ++at_;
    }
    if (tok().kind != Token::end) return unexpected();
    return q;
  }

 private:
  const Token& tok() const { return toks_[at_]; }
  const Token& peek(size_t n) const { return toks_[std::min(at_ + n, toks_.size() - 1)]; }
  bool kw(const char* k) const { return tok().kind == Token::ident && iequals(tok().text, k); }

  bool at_clause_end() const {
    return (kw("ORDER") && iequals(peek(1).text, "BY")) || kw("LIMIT") || kw("OFFSET") ||
           (kw("GROUP") && iequals(peek(1).text, "BY")) || tok().kind == Token::end;
  }

  SfError unexpected() const {
    std::string what = tok().kind == Token::end ? "<EOF>" : "'" + tok().text + "'";
    return sf_error(400, "MALFORMED_QUERY",
                    soql_error_message(text_, tok().pos + 1, "unexpected token: " + what));
  }

  // The filter layer says "column N: detail" relative to the WHERE text.
  SfError filter_error(const std::string& message, size_t where_start) const {
    size_t column = where_start + 1;
    std::string detail = message;
    if (message.rfind("column ", 0) == 0) {
      size_t colon = message.find(':');
      column = where_start + std::stoul(message.substr(7, colon - 7));
      detail = message.substr(colon + 2);
    }
    return sf_error(400, "MALFORMED_QUERY", soql_error_message(text_, column, detail));
  }

  std::string_view text_;
  std::vector<Token> toks_;
  size_t at_ = 0;
};

}  // namespace

std::string soql_error_message(std::string_view query, size_t column, std::string_view detail) {
  std::string out = "\n";
  out += query;
  out += "\n";
  out += std::string(column > 0 ? column - 1 : 0, ' ');
  out += "^\nERROR at Row:1:Column:" + std::to_string(column) + "\n";
  out += detail;
  return out;
}

std::variant<SoqlQuery, SfError> parse_soql(std::string_view text) {
  return SoqlParser(text).parse();
}

}  // namespace crmsync::sandbox::salesforce
