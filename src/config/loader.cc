#include "config/loader.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/flow_reader.h"
#include "config/webhook_reader.h"
#include "config/yaml_key_path.h"
#include "config/yaml_reader.h"
#include "core/redact.h"

namespace crmsync {

namespace fs = std::filesystem;

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

// The patterns here are single character classes: a loop says them as
// plainly as a regex would, without the standard regex library's warnings (issue 17) or a
// dependency on RE2 for config/.
namespace {

bool ascii_alnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

bool is_config_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return ascii_alnum(c) || c == '_' || c == '-';
  });
}

namespace {

bool valid_name(const std::string& s) {
  return is_config_name(s);
}

void read_state(YamlReader& r, const YAML::Node& node, Config& c) {
  c.state.location = r.where(node, "state");
  if (!r.expect_map(node, "state", {"type", "path", "url"})) return;
  if (node["type"]) {
    auto t = r.text(node["type"], "state.type");
    if (t && *t != "sqlite" && *t != "postgres") {
      r.error(node["type"], "state.type", "expected 'sqlite' or 'postgres', found '" + *t + "'");
    } else if (t) {
      c.state.type = *t;
    }
  }
  if (node["path"]) {
    if (auto p = r.text(node["path"], "state.path")) c.state.path = *p;
  }
  if (node["url"]) {
    if (auto u = r.text(node["url"], "state.url")) {
      c.state.url = *u;
      register_secret(state_url_password(*u));
    }
  }
  if (c.state.type == "postgres" && c.state.url.empty()) {
    r.error(node, "state.url",
            "state type 'postgres' needs url: postgres://USER:PASSWORD@HOST:PORT/DATABASE "
            "(e.g. url: ${CRMSYNC_STATE_URL})");
  } else if (c.state.type == "sqlite" && node["url"]) {
    r.error(node["url"], "state.url", "url is for state type 'postgres'; sqlite takes path");
  }
}

void read_connections(YamlReader& r, const YAML::Node& node, Config& c) {
  if (!r.expect_map(node, "connections", {})) return;
  if (node.size() == 0) r.error(node, "connections", "expected at least one connection");
  for (const auto& kv : node) {
    std::string name = kv.first.as<std::string>("");
    std::string key = "connections." + name;
    if (!valid_name(name)) {
      r.error(kv.first, key, "a connection name uses letters, digits, _ and - only");
    }
    if (!kv.second.IsMap()) {
      r.error(kv.second, key, "expected a map with at least 'type'");
      continue;
    }
    ConnectionConfig conn;
    conn.name = name;
    conn.location = r.where(kv.first, key);
    if (!kv.second["type"]) {
      r.error(kv.second, key + ".type", "missing required key 'type' (e.g. file, sqlite)");
    } else {
      conn.type_location = r.where(kv.second["type"], key + ".type");
      if (auto t = r.text(kv.second["type"], key + ".type")) conn.type = *t;
    }
    if (kv.second["webhooks"]) {
      WebhookConfig hooks;
      read_webhooks(r, kv.second["webhooks"], key + ".webhooks", hooks);
      conn.webhooks = std::move(hooks);
    }
    conn.options = r.options(kv.second, key, {"type", "webhooks"});
    c.connections.push_back(std::move(conn));
  }
}

// A parameter's value is pasted into config text (a filter, a path): keep it
// to characters that cannot end a quoted string or start a new clause.
bool safe_param_value(const std::string& v) {
  return std::all_of(v.begin(), v.end(), [](char c) {
    return ascii_alnum(c) || std::string_view("_.@:/ -").find(c) != std::string_view::npos;
  });
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Reads `params:` and settles each parameter's value from `given` (the
// command line) or its default. Every problem is reported; a parameter
// without a usable value gets a placeholder so that its `${param.X}` uses are
// not reported a second time.
void read_params(YamlReader& r, const YAML::Node& root, const ParamValues& given, Config& c) {
  const YAML::Node node = root["params"];
  std::vector<std::string> declared;
  if (node) {
    if (r.expect_map(node, "params", {})) {
      for (const auto& kv : node) {
        ParamConfig p;
        p.name = kv.first.as<std::string>("");
        std::string key = "params." + p.name;
        p.location = r.where(kv.first, key);
        if (!valid_name(p.name)) {
          r.error(kv.first, key, "a parameter name uses letters, digits, _ and - only");
        }
        const YAML::Node& spec = kv.second;
        if (spec.IsMap()) {
          r.expect_map(spec, key, {"default", "values", "description"});
          if (spec["default"]) p.default_value = r.text(spec["default"], key + ".default");
          if (spec["description"]) {
            p.description = r.text(spec["description"], key + ".description").value_or("");
          }
          if (const YAML::Node& vals = spec["values"]) {
            if (!vals.IsSequence() || vals.size() == 0) {
              r.error(vals, key + ".values", "expected a list of allowed values");
            } else {
              for (const auto& v : vals) {
                if (auto t = r.text(v, key + ".values")) p.values.push_back(*t);
              }
            }
          }
        } else if (!spec.IsNull()) {
          r.error(spec, key, "expected {default: ..., values: [...], description: ...} or nothing");
        }
        declared.push_back(p.name);
        c.params.push_back(std::move(p));
      }
    }
  }
  for (const auto& [name, value] : given) {
    if (std::find(declared.begin(), declared.end(), name) == declared.end()) {
      std::string hint = did_you_mean(name, declared);
      r.error(node ? node : root, "params",
              "--param " + name + ": the config declares no parameter '" + name + "'" +
                  (hint.empty() ? (declared.empty() ? " (it has no params: section)"
                                                    : " (declared: " + join_names(declared) + ")")
                                : "; " + hint));
    }
  }
  for (const ParamConfig& p : c.params) {
    auto it = given.find(p.name);
    std::optional<std::string> value =
        it != given.end() ? std::optional<std::string>(it->second) : p.default_value;
    std::string key = "params." + p.name;
    if (!value) {
      r.error(node[p.name] ? node[p.name] : node, key,
              "parameter '" + p.name + "' has no value: run with --param " + p.name + "=VALUE" +
                  (p.values.empty() ? "" : " (one of " + join_names(p.values) + ")"));
    } else if (!p.values.empty() &&
               std::find(p.values.begin(), p.values.end(), *value) == p.values.end()) {
      r.error(node[p.name], key,
              "parameter '" + p.name + "' is '" + *value + "', expected one of " +
                  join_names(p.values));
    } else if (!safe_param_value(*value)) {
      r.error(node[p.name], key,
              "parameter '" + p.name +
                  "': a value may use letters, digits, spaces and _ . @ : / - only");
    } else {
      c.param_values[p.name] = *value;
      continue;
    }
    c.param_values[p.name] = "<" + p.name + ">";
  }
}

}  // namespace

LoadResult load_config_text(const std::string& text, const std::string& file_name,
                            const EnvLookup& env, const ParamValues& params) {
  LoadResult out;
  Config& c = out.config;
  c.file = file_name;
  std::error_code ec;
  fs::path abs = fs::absolute(file_name, ec);
  c.dir = abs.parent_path().string();
  c.state.path = (abs.parent_path() / (abs.stem().string() + ".state.db")).string();

  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    Location loc{file_name, e.mark.line + 1, e.mark.column + 1,
                 yaml_key_path_at(text, e.mark.line)};
    out.diagnostics.push_back({loc, "YAML syntax error: " + e.msg});
    return out;
  }
  // `${param.NAME}` comes from the run's parameters, anything else from the
  // environment. The parameters are read first, so the lookup sees them.
  EnvLookup lookup = [&env, &c](const std::string& name) -> std::optional<std::string> {
    if (name.rfind("param.", 0) == 0) {
      auto it = c.param_values.find(name.substr(6));
      if (it == c.param_values.end()) return std::nullopt;
      return it->second;
    }
    return env(name);
  };
  YamlReader r(file_name, lookup);
  try {
    if (!root.IsMap()) {
      r.error(root, "", "expected a map with the keys state, connections and flows");
    } else {
      r.expect_map(root, "", {"version", "params", "state", "serve", "connections", "flows"});
      read_params(r, root, params, c);
      if (root["version"]) r.integer(root["version"], "version", 1, 1);
      if (root["state"]) read_state(r, root["state"], c);
      if (root["serve"]) read_serve(r, root["serve"], c.serve);
      if (root["connections"]) {
        read_connections(r, root["connections"], c);
      } else {
        r.error(root, "connections", "missing required key 'connections'");
      }
      if (root["flows"]) {
        read_flows(r, root["flows"], c);
      } else {
        r.error(root, "flows", "missing required key 'flows'");
      }
    }
  } catch (const YAML::Exception& e) {
    r.error(root, "", std::string("unreadable config: ") + e.what());
  }
  if (!c.state.path.empty() && fs::path(c.state.path).is_relative()) {
    c.state.path = (fs::path(c.dir) / c.state.path).string();
  }
  out.diagnostics = std::move(r.diagnostics());
  return out;
}

LoadResult load_config_file(const std::string& path, const EnvLookup& env,
                            const ParamValues& params) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult out;
    out.config.file = path;
    out.diagnostics.push_back(
        {Location{path, 0, 0, ""}, "cannot read the config file (crmsync init writes an example)"});
    return out;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return load_config_text(ss.str(), path, env, params);
}

}  // namespace crmsync
