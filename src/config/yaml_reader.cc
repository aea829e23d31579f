#include "config/yaml_reader.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/redact.h"

namespace crmsync {
namespace {

// The text of a ${file:PATH} secret: a path relative to the config's
// directory, the file's whole content less one trailing line end. Read again
// on every load, so a rotated secret is picked up by a reload (SIGHUP).
std::optional<std::string> read_secret_file(const std::string& config_file, const std::string& path,
                                            std::string& why) {
  namespace fs = std::filesystem;
  fs::path p(path);
  if (p.is_relative()) p = fs::path(config_file).parent_path() / p;
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    why = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string v = ss.str();
  constexpr size_t kMaxSecretBytes = 64 << 10;
  if (v.size() > kMaxSecretBytes) {
    why = "larger than 64 KiB: not a secret";
    return std::nullopt;
  }
  if (!v.empty() && v.back() == '\n') v.pop_back();
  if (!v.empty() && v.back() == '\r') v.pop_back();
  return v;
}

}  // namespace

Location YamlReader::where(const YAML::Node& node, const std::string& key) const {
  YAML::Mark m = node.Mark();
  Location loc;
  loc.file = file_;
  loc.line = m.line >= 0 ? m.line + 1 : 0;
  loc.column = m.column >= 0 ? m.column + 1 : 0;
  loc.key = key;
  return loc;
}

void YamlReader::error(const YAML::Node& node, const std::string& key, const std::string& message) {
  diags_.push_back(Diagnostic{where(node, key), message});
}

bool YamlReader::expect_map(const YAML::Node& node, const std::string& key,
                            const std::vector<std::string>& known) {
  if (!node.IsMap()) {
    error(node, key, "expected a map of keys");
    return false;
  }
  std::set<std::string> seen;
  for (const auto& kv : node) {
    std::string k = kv.first.as<std::string>("");
    std::string path = key.empty() ? k : key + "." + k;
    if (!seen.insert(k).second) {
      error(kv.first, path, "duplicate key '" + k + "'");
    }
    if (!known.empty() && std::find(known.begin(), known.end(), k) == known.end()) {
      std::string hint = did_you_mean(k, known);
      error(kv.first, path, "unknown key '" + k + "'" + (hint.empty() ? "" : "; " + hint));
    }
  }
  return true;
}

// ${VAR}, ${VAR:-default}, ${file:PATH}; $${ is a literal ${. The interpolated text is
// never quoted back in a message: it may be a secret.
std::optional<std::string> YamlReader::interpolate(const std::string& raw, const YAML::Node& node,
                                                   const std::string& key) {
  if (raw.find('$') == std::string::npos) return raw;
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 2;
      continue;
    }
    if (raw.compare(i, 2, "${") != 0) {
      out += raw[i];
      continue;
    }
    size_t end = raw.find('}', i);
    if (end == std::string::npos) {
      error(node, key, "unterminated ${ in value; write $${ for a literal ${");
      return std::nullopt;
    }
    std::string expr = raw.substr(i + 2, end - i - 2);
    std::optional<std::string> fallback;
    size_t sep = expr.find(":-");
    if (sep != std::string::npos) {
      fallback = expr.substr(sep + 2);
      expr = expr.substr(0, sep);
    }
    if (expr.rfind("file:", 0) == 0) {
      std::string why;
      auto secret = read_secret_file(file_, expr.substr(5), why);
      if (!secret) {
        error(node, key, "${" + expr + "}: cannot read the file (" + why + ")");
        return std::nullopt;
      }
      register_secret(*secret);
      out += *secret;
      i = end;
      continue;
    }
    auto v = env_(expr);
    if (v && !v->empty()) {
      out += *v;
    } else if (fallback) {
      out += *fallback;
    } else if (expr.rfind("param.", 0) == 0) {
      error(node, key,
            "${" + expr + "}: no parameter '" + expr.substr(6) +
                "' is declared under params: at the top of the config");
      return std::nullopt;
    } else {
      error(node, key,
            "environment variable " + expr + " is not set (write ${" + expr +
                ":-default} to give a default)");
      return std::nullopt;
    }
    i = end;
  }
  return out;
}

std::optional<std::string> YamlReader::text(const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) {
    error(node, key, "expected a text value");
    return std::nullopt;
  }
  return interpolate(node.Scalar(), node, key);
}

std::optional<long> YamlReader::integer(const YAML::Node& node, const std::string& key, long min,
                                        long max) {
  auto t = text(node, key);
  if (!t) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(t->c_str(), &end, 10);
  if (t->empty() || *end != '\0' || errno != 0 || v < min || v > max) {
    error(node, key,
          "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
              (node.Scalar().find('$') == std::string::npos ? ", found '" + *t + "'" : ""));
    return std::nullopt;
  }
  return v;
}

std::optional<double> YamlReader::number(const YAML::Node& node, const std::string& key,
                                         double min) {
  auto t = text(node, key);
  if (!t) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(t->c_str(), &end);
  if (t->empty() || *end != '\0' || v < min) {
    error(node, key, "expected a number >= " + std::to_string(static_cast<long>(min)));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& node, const std::string& key) {
  auto t = text(node, key);
  if (!t) return std::nullopt;
  if (*t == "true" || *t == "True" || *t == "TRUE") return true;
  if (*t == "false" || *t == "False" || *t == "FALSE") return false;
  error(node, key, "expected true or false");
  return std::nullopt;
}

Value YamlReader::value(const YAML::Node& node, const std::string& key,
                        std::map<std::string, Location>* locations, const std::string& prefix) {
  if (node.IsNull()) return Value();
  if (node.IsSequence()) {
    Array out;
    size_t i = 0;
    for (const auto& e : node) {
      out.push_back(value(e, key + "[" + std::to_string(i) + "]", locations,
                          prefix + (prefix.empty() ? "" : ".") + std::to_string(i)));
      ++i;
    }
    return Value(std::move(out));
  }
  if (node.IsMap()) {
    expect_map(node, key, {});
    Object out;
    for (const auto& kv : node) {
      std::string k = kv.first.as<std::string>("");
      std::string sub = prefix.empty() ? k : prefix + "." + k;
      if (locations) (*locations)[sub] = where(kv.first, key + "." + k);
      out.push_back(Member{k, value(kv.second, key + "." + k, locations, sub)});
    }
    return Value(std::move(out));
  }
  auto t = interpolate(node.Scalar(), node, key);
  if (!t) return Value();
  if (node.Tag() == "!") return Value(*t);  // quoted: always text
  const std::string& s = *t;
  if (s == "true" || s == "True" || s == "TRUE") return Value(true);
  if (s == "false" || s == "False" || s == "FALSE") return Value(false);
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value();
  char* end = nullptr;
  errno = 0;
  long long i = std::strtoll(s.c_str(), &end, 10);
  if (*end == '\0' && errno == 0 &&
      (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '+')) {
    return Value(static_cast<int64_t>(i));
  }
  if (s.find_first_of("0123456789") != std::string::npos) {
    if (auto d = Decimal::parse(s)) return Value(*d);
  }
  return Value(s);
}

OptionSet YamlReader::options(const YAML::Node& node, const std::string& key,
                              const std::set<std::string>& fixed) {
  OptionSet out;
  out.location = where(node, key);
  Object values;
  for (const auto& kv : node) {
    std::string k = kv.first.as<std::string>("");
    if (fixed.count(k)) continue;
    out.locations[k] = where(kv.first, key + "." + k);
    out.value_locations[k] = where(kv.second, key + "." + k);
    values.push_back(Member{k, value(kv.second, key + "." + k)});
  }
  out.values = Value(std::move(values));
  return out;
}

}  // namespace crmsync
