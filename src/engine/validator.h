#pragma once

#include "config/config.h"
#include "connectors/connector.h"

namespace crmsync {

struct ValidationResult {
  Diagnostics errors;
  Diagnostics warnings;  // the config works but may not do what is meant
};

// Everything `crmsync validate` checks, all at once: connector options
// against their specs, flow-side options, filters, mappings, references
// between flows (unknown flows, cycles), match keys. With `connect`, also
// opens every connection (`crmsync check`): reachability, credentials, and
// the objects' schemas, so a mapping naming an unknown field is reported.
ValidationResult validate_config(const Config& config, bool connect);

}  // namespace crmsync
