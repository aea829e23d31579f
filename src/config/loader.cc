#include "config/loader.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "config/flow_reader.h"
#include "config/yaml_reader.h"

namespace crmsync {

namespace fs = std::filesystem;

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

namespace {

bool valid_name(const std::string& s) {
  static const std::regex kName("[A-Za-z0-9_-]+");
  return std::regex_match(s, kName);
}

void read_state(YamlReader& r, const YAML::Node& node, Config& c) {
  c.state.location = r.where(node, "state");
  if (!r.expect_map(node, "state", {"type", "path"})) return;
  if (node["type"]) {
    auto t = r.text(node["type"], "state.type");
    if (t && *t != "sqlite") {
      r.error(node["type"], "state.type",
              "only 'sqlite' is supported in this version, found '" + *t + "'");
    }
  }
  if (node["path"]) {
    if (auto p = r.text(node["path"], "state.path")) c.state.path = *p;
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
    } else if (auto t = r.text(kv.second["type"], key + ".type")) {
      conn.type = *t;
    }
    conn.options = r.options(kv.second, key, {"type"});
    c.connections.push_back(std::move(conn));
  }
}

}  // namespace

LoadResult load_config_text(const std::string& text, const std::string& file_name,
                            const EnvLookup& env) {
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
    Location loc{file_name, e.mark.line + 1, e.mark.column + 1, ""};
    out.diagnostics.push_back({loc, "YAML syntax error: " + e.msg});
    return out;
  }
  YamlReader r(file_name, env);
  try {
    if (!root.IsMap()) {
      r.error(root, "", "expected a map with the keys state, connections and flows");
    } else {
      r.expect_map(root, "", {"version", "state", "connections", "flows"});
      if (root["version"]) r.integer(root["version"], "version", 1, 1);
      if (root["state"]) read_state(r, root["state"], c);
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

LoadResult load_config_file(const std::string& path, const EnvLookup& env) {
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
  return load_config_text(ss.str(), path, env);
}

}  // namespace crmsync
