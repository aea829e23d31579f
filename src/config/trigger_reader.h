#pragma once

#include <string>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace crmsync {

// Reads a flow's `trigger:` block (docs/configuration.md, "Triggers") into
// `t`, reporting every problem at its file:line and key: a schedule that
// does not parse or never fires, an unknown time zone, `timezone` without a
// cron schedule, `manual: true` beside a schedule or cdc, `catch_up` or
// `jitter` without a schedule, a negative or unitless duration. Called by
// read_flows once per flow that has a trigger.
void read_trigger(YamlReader& r, const YAML::Node& n, const std::string& key, TriggerConfig& t);

// A flow without a schedule and without cdc runs only by hand (the API or
// `crmsync run`): sets `manual`. Also for flows without a trigger block.
void settle_manual(TriggerConfig& t);

}  // namespace crmsync
