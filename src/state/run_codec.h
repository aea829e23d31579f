#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "state/state_store.h"

namespace crmsync {

// Column texts both state stores write and read back the same way.

// A run's requested flows and params as JSON (runs.flows, runs.params).
std::string run_flows_json(const std::vector<std::string>& flows);
std::string run_params_json(const std::map<std::string, std::string>& params);
// Written by the stores only; a value that does not parse reads as empty.
std::vector<std::string> parse_run_flows(const std::string& text);
std::map<std::string, std::string> parse_run_params(const std::string& text);

ErrorKind parse_error_kind(const std::string& s);  // unknown: fatal
RecordErrorStatus parse_error_status(const std::string& s);

// Wall-clock time of a bookkeeping write (not a sync decision, so not the
// engine's injectable clock), unix micros.
int64_t wall_micros();

}  // namespace crmsync
