#pragma once

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <vector>

#include "config/loader.h"

namespace crmsync {

// Walks a parsed YAML tree, converting nodes to typed values and collecting
// every problem as a Diagnostic (never stopping at the first one).
class YamlReader {
 public:
  YamlReader(std::string file, const EnvLookup& env) : file_(std::move(file)), env_(env) {}

  Location where(const YAML::Node& node, const std::string& key) const;
  void error(const YAML::Node& node, const std::string& key, const std::string& message);
  Diagnostics& diagnostics() { return diags_; }

  // Checks that `node` is a map; reports unknown keys (with did-you-mean)
  // when `known` is non-empty, and duplicate keys always.
  bool expect_map(const YAML::Node& node, const std::string& key,
                  const std::vector<std::string>& known);
  // Scalar text after ${VAR} interpolation; nullopt (reported) when not a scalar.
  std::optional<std::string> text(const YAML::Node& node, const std::string& key);
  std::optional<long> integer(const YAML::Node& node, const std::string& key, long min, long max);
  std::optional<double> number(const YAML::Node& node, const std::string& key, double min);
  std::optional<bool> boolean(const YAML::Node& node, const std::string& key);
  // Any node as a Value: plain scalars typed (bool, null, int, decimal),
  // quoted scalars strings, sequences arrays, maps objects. Records key
  // locations under `prefix` into `locations` when given.
  Value value(const YAML::Node& node, const std::string& key,
              std::map<std::string, Location>* locations = nullptr, const std::string& prefix = "");
  // The rest of a map's keys (those not in `fixed`) as an OptionSet.
  OptionSet options(const YAML::Node& node, const std::string& key,
                    const std::set<std::string>& fixed);

 private:
  std::optional<std::string> interpolate(const std::string& raw, const YAML::Node& node,
                                         const std::string& key);
  std::string file_;
  const EnvLookup& env_;
  Diagnostics diags_;
};

}  // namespace crmsync
