#include "sandbox/salesforce/search.h"

#include <cctype>

#include "core/json.h"
#include "sandbox/salesforce/soql.h"
#include "sandbox/salesforce/soql_exec.h"

namespace crmsync::sandbox::salesforce {
namespace {

SfError malformed(const std::string& message) {
  return sf_error(400, "MALFORMED_SEARCH", message);
}

bool word_char(char ch) {
  return std::isalnum(static_cast<unsigned char>(ch)) || static_cast<unsigned char>(ch) >= 0x80;
}

// Lower-case words of `text` ("Acme-Corp Ltd" -> acme, corp, ltd); `*` and
// `?` stay in words when `wildcards`.
std::vector<std::string> words_of(std::string_view text, bool wildcards) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    if (word_char(ch) || (wildcards && (ch == '*' || ch == '?'))) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool glob(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string digits_of(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (std::isdigit(static_cast<unsigned char>(ch))) out += ch;
  }
  return out;
}

// The term as alternatives (split at OR) of word sequences that must all
// appear; a "quoted phrase" is one sequence.
struct Term {
  std::vector<std::vector<std::vector<std::string>>> any_of;
  std::vector<std::string> raw_digits;  // per alternative, for PHONE
};

std::variant<Term, SfError> parse_term(std::string_view text) {
  Term term;
  std::vector<std::vector<std::string>> all_of;
  size_t letters = 0;
  size_t i = 0;
  auto flush = [&] {
    if (!all_of.empty()) term.any_of.push_back(std::move(all_of));
    all_of.clear();
  };
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    std::string_view piece;
    if (text[i] == '"') {
      size_t close = text.find('"', i + 1);
      if (close == std::string_view::npos) return malformed("Unmatched quote in the search term");
      piece = text.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      size_t end = i;
      while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
      piece = text.substr(i, end - i);
      i = end;
      if (piece == "OR" || piece == "or") {
        flush();
        continue;
      }
      if (piece == "AND" || piece == "and") continue;
    }
    auto words = words_of(piece, true);
    for (const std::string& w : words) {
      for (char ch : w) letters += ch != '*' && ch != '?';
    }
    if (!words.empty()) all_of.push_back(std::move(words));
  }
  flush();
  if (term.any_of.empty() || letters < 2) {
    return malformed("search term must be longer than one character");
  }
  return term;
}

// Whether the word sequence `seq` appears in `field_words` (consecutively).
bool contains_sequence(const std::vector<std::string>& field_words,
                       const std::vector<std::string>& seq) {
  for (size_t start = 0; start + seq.size() <= field_words.size(); ++start) {
    bool all = true;
    for (size_t k = 0; k < seq.size() && all; ++k) all = glob(seq[k], field_words[start + k]);
    if (all) return true;
  }
  return false;
}

bool in_scope(const FieldDef& f, const std::string& scope) {
  if (scope == "NAME") return f.name_field || f.name == "Name";
  if (scope == "EMAIL") return f.type == FieldType::email;
  if (scope == "PHONE") return f.type == FieldType::phone;
  switch (f.type) {
    case FieldType::string:
    case FieldType::textarea:
    case FieldType::email:
    case FieldType::phone:
    case FieldType::url:
    case FieldType::picklist:
      return true;
    default:
      return false;
  }
}

bool matches(const ObjectDef& def, const Record& rec, const Term& term, const std::string& scope) {
  std::vector<std::vector<std::string>> fields;
  for (size_t i = 0; i < def.fields.size(); ++i) {
    const Value& v = rec.value(i);
    if (v.is_string() && in_scope(def.fields[i], scope))
      fields.push_back(words_of(v.as_string(), false));
  }
  for (const auto& all_of : term.any_of) {
    bool ok = true;
    for (const auto& seq : all_of) {
      bool found = false;
      for (const auto& fw : fields) found = found || contains_sequence(fw, seq);
      if (scope == "PHONE" && !found) {
        std::string want;
        for (const std::string& w : seq) want += digits_of(w);
        for (size_t i = 0; i < def.fields.size() && !want.empty() && !found; ++i) {
          const Value& v = rec.value(i);
          found = v.is_string() && def.fields[i].type == FieldType::phone &&
                  digits_of(v.as_string()).find(want) != std::string::npos;
        }
      }
      ok = ok && found;
    }
    if (ok) return true;
  }
  return false;
}

// SOSL tokens.
struct Scanner {
  std::string_view text;
  size_t pos = 0;

  void skip_ws() {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  }
  bool done() {
    skip_ws();
    return pos >= text.size();
  }
  std::string word() {
    skip_ws();
    size_t start = pos;
    while (pos < text.size() && (word_char(text[pos]) || text[pos] == '_')) ++pos;
    return std::string(text.substr(start, pos - start));
  }
  bool keyword(std::string_view kw) {
    size_t save = pos;
    if (iequals(word(), kw)) return true;
    pos = save;
    return false;
  }
  bool peek(char ch) {
    skip_ws();
    return pos < text.size() && text[pos] == ch;
  }
};

// The part of `text` from the first top-level clause keyword on, split off.
void split_clauses(std::string_view inner, std::string& fields, std::string& clauses) {
  bool quoted = false;
  for (size_t i = 0; i < inner.size(); ++i) {
    char ch = inner[i];
    if (ch == '\'' && (i == 0 || inner[i - 1] != '\\')) quoted = !quoted;
    if (quoted || (i > 0 && (word_char(inner[i - 1]) || inner[i - 1] == '_'))) continue;
    for (std::string_view kw : {"WHERE", "ORDER", "LIMIT", "OFFSET", "USING", "WITH"}) {
      if (i + kw.size() <= inner.size() && iequals(inner.substr(i, kw.size()), kw) &&
          (i + kw.size() == inner.size() || !word_char(inner[i + kw.size()]))) {
        fields = std::string(inner.substr(0, i));
        clauses = std::string(inner.substr(i));
        return;
      }
    }
  }
  fields = std::string(inner);
}

std::variant<SearchObject, SfError> object_spec(Scanner& sc) {
  SearchObject o;
  o.name = sc.word();
  if (o.name.empty()) return malformed("RETURNING needs an object name");
  if (!sc.peek('(')) return o;
  size_t start = ++sc.pos;
  int depth = 1;
  bool quoted = false;
  for (; sc.pos < sc.text.size() && depth > 0; ++sc.pos) {
    char ch = sc.text[sc.pos];
    if (ch == '\'' && sc.text[sc.pos - 1] != '\\') quoted = !quoted;
    if (!quoted) depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
  }
  if (depth != 0) return malformed("Unmatched parenthesis after " + o.name);
  split_clauses(sc.text.substr(start, sc.pos - 1 - start), o.fields, o.clauses);
  if (o.fields.find_first_not_of(" \t\r\n") == std::string::npos) o.fields = "Id";
  return o;
}

}  // namespace

std::variant<SearchSpec, SfError> parse_sosl(std::string_view text) {
  SearchSpec spec;
  Scanner sc{text};
  if (!sc.keyword("FIND")) return malformed("A SOSL statement starts with FIND");
  sc.skip_ws();
  char open = sc.pos < text.size() ? text[sc.pos] : '\0';
  if (open != '{' && open != '\'') {
    return malformed("No search term found. The search term must be enclosed in braces.");
  }
  char close = open == '{' ? '}' : '\'';
  for (++sc.pos; sc.pos < text.size() && text[sc.pos] != close; ++sc.pos) {
    if (text[sc.pos] == '\\' && sc.pos + 1 < text.size()) ++sc.pos;
    spec.term += text[sc.pos];
  }
  if (sc.pos >= text.size()) return malformed("The search term is not closed");
  ++sc.pos;
  while (!sc.done()) {
    if (sc.keyword("IN")) {
      std::string scope = to_lower(sc.word());
      for (char& ch : scope) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if ((scope != "ALL" && scope != "NAME" && scope != "EMAIL" && scope != "PHONE") ||
          !sc.keyword("FIELDS")) {
        return malformed("IN takes ALL FIELDS, NAME FIELDS, EMAIL FIELDS or PHONE FIELDS");
      }
      spec.scope = scope;
    } else if (sc.keyword("RETURNING")) {
      do {
        auto o = object_spec(sc);
        if (auto* e = std::get_if<SfError>(&o)) return *e;
        spec.objects.push_back(std::move(std::get<SearchObject>(o)));
        if (!sc.peek(',')) break;
        ++sc.pos;
      } while (true);
    } else if (sc.keyword("LIMIT")) {
      std::string n = sc.word();
      if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos || n.size() > 6) {
        return malformed("LIMIT needs a number");
      }
      spec.limit = std::stoll(n);
    } else {
      sc.skip_ws();
      return malformed("unexpected token: '" + std::string(text.substr(sc.pos, 20)) +
                       "' (the sandbox reads FIND, IN ... FIELDS, RETURNING and LIMIT)");
    }
  }
  return spec;
}

std::variant<std::string, SfError> run_search(const Store& store, const SearchSpec& spec,
                                              const std::string& version) {
  auto term = parse_term(spec.term);
  if (auto* e = std::get_if<SfError>(&term)) return *e;
  std::vector<SearchObject> objects = spec.objects;
  if (objects.empty()) {
    for (const ObjectDef& def : store.schema().objects()) {
      SearchObject all;
      all.name = def.name;
      objects.push_back(std::move(all));
    }
  }
  std::string out = "{\"searchRecords\":[";
  int64_t total = 0;
  for (const SearchObject& o : objects) {
    auto parsed = parse_soql("SELECT " + o.fields + " FROM " + o.name + " " + o.clauses);
    if (auto* e = std::get_if<SfError>(&parsed)) {
      SfError err = *e;
      if (err.code == "MALFORMED_QUERY") err.code = "MALFORMED_SEARCH";
      return err;
    }
    SoqlQuery q = std::move(std::get<SoqlQuery>(parsed));
    int64_t limit = o.limit.value_or(q.limit.value_or(spec.limit));
    int64_t offset = o.offset.value_or(q.offset.value_or(0));
    q.limit.reset();
    q.offset.reset();
    if (q.count_only || !q.counts.empty()) return malformed("COUNT() is not allowed in a search");
    auto result = run_query(store, q, false);
    if (auto* e = std::get_if<SfError>(&result)) return *e;
    const QueryResult& r = std::get<QueryResult>(result);
    auto lock = store.read_lock();
    const Table& t = store.table(*r.object);
    int64_t skipped = 0, taken = 0;
    for (size_t row : r.rows) {
      if (taken >= limit || total >= spec.limit) break;
      if (!matches(*r.object, t.rows[row], std::get<Term>(term), spec.scope)) continue;
      if (skipped++ < offset) continue;
      if (total++) out += ',';
      ++taken;
      render_record(store, t.rows[row], *r.select, version, out);
    }
  }
  return out + "]}";
}

}  // namespace crmsync::sandbox::salesforce
