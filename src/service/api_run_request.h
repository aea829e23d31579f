#pragma once

#include <string_view>

#include "service/control.h"

namespace crmsync::service {

// The body of POST /api/v1/runs: {"flows": [names], "params": {name: text},
// "full": bool}, every member optional (an empty body asks for every flow).
// Checks the JSON and its shape only: 400 invalid_json (where it broke),
// invalid_type, unknown_field, duplicate_field or invalid_value, each naming
// the field. Whether the flows and params exist is for ServiceControl::submit.
Answer<RunRequest> parse_run_request(std::string_view body);

}  // namespace crmsync::service
