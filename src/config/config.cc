#include "config/config.h"

#include <cctype>

namespace crmsync {

const ConnectionConfig* Config::connection(std::string_view name) const {
  for (const ConnectionConfig& c : connections) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const FlowConfig* Config::flow(std::string_view name) const {
  for (const FlowConfig& f : flows) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string_view to_string(SyncMode mode) {
  switch (mode) {
    case SyncMode::upsert:
      return "upsert";
    case SyncMode::update:
      return "update";
    case SyncMode::insert:
      return "insert";
    case SyncMode::mirror:
      return "mirror";
  }
  return "upsert";
}

}  // namespace crmsync

namespace crmsync {

namespace {

struct KeywordPassword {
  std::string value;          // unquoted, unescaped
  size_t begin = 0, end = 0;  // where it stands in the text, quotes included
};

// The value of `password=` in libpq's key=value form (`host=h password='a b'`)
// or in a URL's query (`?password=x&...`), where libpq reads it too.
KeywordPassword find_keyword_password(std::string_view text) {
  for (size_t p = text.find("password"); p != std::string_view::npos;
       p = text.find("password", p + 1)) {
    if (p > 0 && !std::isspace(static_cast<unsigned char>(text[p - 1])) && text[p - 1] != '?' &&
        text[p - 1] != '&')
      continue;
    size_t i = p + 8;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || text[i] != '=') continue;
    ++i;
    while (i < text.size() && text[i] == ' ') ++i;
    size_t begin = i;
    std::string value;
    if (i < text.size() && text[i] == '\'') {
      for (++i; i < text.size() && text[i] != '\''; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        value += text[i];
      }
      if (i < text.size()) ++i;  // the closing quote
    } else {
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) &&
             text[i] != '&')
        value += text[i++];
    }
    if (!value.empty()) return {value, begin, i};
  }
  return {};
}

std::string keyword_password(std::string_view text) {
  return find_keyword_password(text).value;
}

}  // namespace

std::string state_url_password(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return keyword_password(url);
  size_t authority = scheme + 3;
  size_t at = url.find('@', authority);
  size_t slash = url.find('/', authority);
  size_t query = url.find('?');
  if (query != std::string_view::npos) {
    if (std::string in_query = keyword_password(url.substr(query)); !in_query.empty())
      return in_query;
  }
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) return {};
  size_t colon = url.find(':', authority);
  if (colon == std::string_view::npos || colon > at) return {};
  return std::string(url.substr(colon + 1, at - colon - 1));
}

std::string StateConfig::display() const {
  if (type != "postgres") return path;
  std::string out = url;
  std::string password = state_url_password(url);
  if (password.empty()) return out;
  // key=value or query forms: the value masked where it stands.
  size_t query = out.find('?');
  size_t from = out.find("://") == std::string::npos ? 0 : query;
  if (from != std::string::npos) {
    KeywordPassword k = find_keyword_password(std::string_view(out).substr(from));
    if (!k.value.empty()) return out.replace(from + k.begin, k.end - k.begin, "***");
  }
  size_t at = out.find(":" + password + "@");
  if (at != std::string::npos) out.erase(at, password.size() + 1);
  return out;
}

}  // namespace crmsync
