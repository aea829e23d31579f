#pragma once

#include <optional>
#include <string_view>

#include "core/value.h"
#include "net/http_message.h"

namespace crmsync::sandbox::salesforce {

// The request body as JSON; answers 400 JSON_PARSER_ERROR itself and
// returns nullopt when it is not JSON (or, with `object`, not an object).
std::optional<Value> parse_body(std::string_view body, net::HttpResponse& res, bool object);

}  // namespace crmsync::sandbox::salesforce
