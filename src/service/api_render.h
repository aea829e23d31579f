#pragma once

#include <map>
#include <optional>
#include <string>

#include "service/api_json.h"
#include "service/control.h"

namespace crmsync::service {

// The JSON shapes of the API's answers (docs/openapi.yaml names each one:
// Run, RunProgress, RecordError, Flow, Connection, Error). Pure functions.

// {"read": 1, ..., "expected": 10 | null} for each flow.
void write_flow_counts(JsonOut& out, const std::map<std::string, FlowCounts>& flows);
// A run; `progress`, when the run is live, supplies the current counts and
// the "progress" member (else "progress" is null).
void write_run(JsonOut& out, const RunInfo& run, const std::optional<RunProgress>& progress);
// The data of a Server-Sent progress or end event.
void write_progress(JsonOut& out, const RunProgress& progress);
void write_record_error(JsonOut& out, const RecordError& error);
void write_flow_status(JsonOut& out, const FlowStatus& flow);
void write_connection_status(JsonOut& out, const ConnectionStatus& connection);

// {"error": {"code", "message", "field"}} ("field" null when empty).
std::string error_body(const RequestError& error);

}  // namespace crmsync::service
