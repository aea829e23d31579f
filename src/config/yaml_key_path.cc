#include "config/yaml_key_path.h"

#include <vector>

namespace crmsync {
namespace {

struct Key {
  size_t indent;
  std::string name;
};

// The key a line starts with (after indentation and "- " list markers), or
// empty: `name:` followed by a space, a comment or the end of the line.
std::string leading_key(std::string_view rest) {
  if (rest.empty()) return "";
  char quote = rest[0] == '"' || rest[0] == '\'' ? rest[0] : 0;
  if (quote) {
    size_t end = rest.find(quote, 1);
    if (end == std::string_view::npos || end + 1 >= rest.size() || rest[end + 1] != ':') return "";
    return std::string(rest.substr(1, end - 1));
  }
  if (rest[0] == '#' || rest[0] == '{' || rest[0] == '[' || rest[0] == '-') return "";
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == ':' && (i + 1 == rest.size() || rest[i + 1] == ' ' || rest[i + 1] == '\t')) {
      return std::string(rest.substr(0, i));
    }
    if (rest[i] == '#' && i > 0 && rest[i - 1] == ' ') return "";
  }
  return "";
}

}  // namespace

std::string yaml_key_path_at(std::string_view text, int line) {
  std::vector<Key> stack;
  int n = 0;
  for (size_t pos = 0; pos <= text.size() && n <= line; ++n) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(pos, end - pos);
    pos = end + 1;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    size_t indent = l.find_first_not_of(' ');
    if (indent == std::string_view::npos) continue;  // blank
    std::string_view rest = l.substr(indent);
    // "- key: v" opens a map whose keys sit two columns further in.
    while (rest.size() >= 2 && rest[0] == '-' && rest[1] == ' ') {
      size_t skip = rest.find_first_not_of(' ', 1);
      if (skip == std::string_view::npos) break;
      indent += skip;
      rest = rest.substr(skip);
    }
    std::string key = leading_key(rest);
    if (key.empty()) continue;
    while (!stack.empty() && stack.back().indent >= indent) stack.pop_back();
    stack.push_back(Key{indent, std::move(key)});
  }
  std::string out;
  for (const Key& k : stack) out += (out.empty() ? "" : ".") + k.name;
  return out;
}

}  // namespace crmsync
