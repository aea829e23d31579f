#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"

namespace crmsync {

// Looks up an environment variable; injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

struct LoadResult {
  Config config;
  Diagnostics diagnostics;  // empty when the config is valid
  bool ok() const { return diagnostics.empty(); }
};

// Parses a crmsync YAML config: `${VAR}` and `${VAR:-default}` interpolation
// in every scalar, typed structs, every structural error collected (unknown
// keys with "did you mean", wrong types, missing required keys, flows naming
// unknown connections, duplicate names). Connector options and mappings are
// checked later by the layers that own them; this checks the shape.
// `params`: the run's `--param NAME=VALUE` pairs, checked against the
// config's `params:` declarations (unknown names, missing required ones and
// values outside `values:` are errors).
using ParamValues = std::map<std::string, std::string>;
LoadResult load_config_file(const std::string& path, const EnvLookup& env = process_env(),
                            const ParamValues& params = {});
LoadResult load_config_text(const std::string& text, const std::string& file_name,
                            const EnvLookup& env = process_env(), const ParamValues& params = {});

// A connection, flow or parameter name: one or more of [A-Za-z0-9_-].
bool is_config_name(std::string_view name);

// "did you mean X?" suggestion for `word` among `candidates`, or empty.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace crmsync
