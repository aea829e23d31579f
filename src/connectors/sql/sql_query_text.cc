#include "connectors/sql/sql_query_text.h"

#include <cctype>

namespace crmsync {

void for_each_sql_code_span(std::string_view sql,
                            const std::function<void(size_t, size_t)>& on_code) {
  size_t start = 0, i = 0;
  auto skip_to = [&](size_t from, std::string_view end) {
    size_t p = sql.find(end, from);
    return p == std::string_view::npos ? sql.size() : p + end.size();
  };
  while (i < sql.size()) {
    char c = sql[i];
    size_t after = i;
    if (c == '\'' || c == '"' || c == '`') {
      after = i + 1;
      while (after < sql.size()) {
        if (sql[after] == '\\' && c == '\'') {
          after += 2;  // MySQL backslash escapes; harmless for standard strings
          continue;
        }
        if (sql[after++] == c) {
          if (after < sql.size() && sql[after] == c) {
            ++after;  // doubled quote
            continue;
          }
          break;
        }
      }
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      after = skip_to(i, "\n");
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      after = skip_to(i + 2, "*/");
    }
    if (after == i) {
      ++i;
      continue;
    }
    if (i > start) on_code(start, i);
    start = i = std::min(after, sql.size());
  }
  if (start < sql.size()) on_code(start, sql.size());
}

Result<std::string> bind_named_params(std::string_view sql, const Value& values,
                                      const std::function<std::string(size_t)>& placeholder,
                                      size_t first_index, std::vector<Value>& params) {
  std::string out;
  std::string missing;
  size_t copied = 0, next = first_index;
  auto ident = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; };
  for_each_sql_code_span(sql, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      if (sql[i] != ':' || i + 1 >= end || !ident(sql[i + 1]) ||
          std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
        continue;
      }
      if ((i > 0 && sql[i - 1] == ':') || (i > 0 && ident(sql[i - 1]))) continue;  // ::cast, a:b
      size_t j = i + 1;
      while (j < end && ident(sql[j])) ++j;
      std::string name(sql.substr(i + 1, j - i - 1));
      const Value* v = values.is_object() ? values.find(name) : nullptr;
      if (v == nullptr) {
        if (missing.empty()) missing = name;
        continue;
      }
      out.append(sql.substr(copied, i - copied));
      out += placeholder(next++);
      params.push_back(*v);
      copied = j;
      i = j - 1;
    }
  });
  if (!missing.empty()) {
    return Error(ErrorKind::fatal,
                 "query parameter :" + missing + " has no value in the source's params");
  }
  out.append(sql.substr(copied));
  return out;
}

}  // namespace crmsync
