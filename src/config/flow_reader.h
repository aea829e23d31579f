#pragma once

#include <yaml-cpp/yaml.h>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace crmsync {

// Reads the `flows:` map into `config.flows` (connections must be read first:
// a flow naming an unknown connection is reported here).
void read_flows(YamlReader& r, const YAML::Node& node, Config& config);

}  // namespace crmsync
