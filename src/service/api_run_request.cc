#include "service/api_run_request.h"

#include <set>

#include "core/json.h"
#include "core/redact.h"
#include "service/api_http.h"

namespace crmsync::service {
namespace {

bool blank(std::string_view body) {
  return body.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string type_name(const Value& v) {
  switch (v.type()) {
    case ValueType::integer:
    case ValueType::decimal:
      return "a number";
    case ValueType::boolean:
      return "a boolean";
    case ValueType::null:
      return "null";
    case ValueType::array:
      return "an array";
    case ValueType::object:
      return "an object";
    default:
      return "a string";
  }
}

RequestError wrong_type(const std::string& field, const char* wanted, const Value& got) {
  return request_error(400, "invalid_type",
                       "'" + field + "' must be " + wanted + ", not " + type_name(got), field);
}

std::optional<RequestError> read_flows(const Value& v, RunRequest& out) {
  if (!v.is_array()) return wrong_type("flows", "an array of flow names", v);
  if (v.as_array().empty())
    return request_error(400, "invalid_value",
                         "'flows' names no flow; leave it out to run every flow", "flows");
  std::set<std::string> seen;
  for (size_t i = 0; i < v.as_array().size(); ++i) {
    const Value& item = v.as_array()[i];
    std::string field = "flows[" + std::to_string(i) + "]";
    if (!item.is_string()) return wrong_type(field, "a flow name (string)", item);
    if (!seen.insert(item.as_string()).second)
      return request_error(400, "invalid_value",
                           "flow '" + scrub(item.as_string()) + "' is named twice", field);
    out.flows.push_back(item.as_string());
  }
  return std::nullopt;
}

std::optional<RequestError> read_params(const Value& v, RunRequest& out) {
  if (!v.is_object()) return wrong_type("params", "an object of parameter values", v);
  for (const Member& m : v.as_object()) {
    std::string field = "params." + scrub(m.key);
    if (!m.value.is_string()) return wrong_type(field, "a string", m.value);
    if (!out.params.emplace(m.key, m.value.as_string()).second)
      return request_error(400, "duplicate_field", "'" + field + "' is given twice", field);
  }
  return std::nullopt;
}

}  // namespace

Answer<RunRequest> parse_run_request(std::string_view body) {
  Answer<RunRequest> answer;
  RunRequest request;
  request.trigger = "api";
  if (blank(body)) {
    answer.value = std::move(request);
    return answer;
  }
  auto parsed = parse_json(body);
  if (!parsed) {
    answer.error = request_error(400, "invalid_json", "request body: " + parsed.error().message);
    return answer;
  }
  if (!parsed->is_object()) {
    answer.error = request_error(
        400, "invalid_type", "the request body must be a JSON object, not " + type_name(*parsed));
    return answer;
  }
  std::set<std::string> given;
  for (const Member& m : parsed->as_object()) {
    if (!given.insert(m.key).second) {
      answer.error = request_error(400, "duplicate_field", "'" + scrub(m.key) + "' is given twice",
                                   scrub(m.key));
      return answer;
    }
    std::optional<RequestError> problem;
    if (m.key == "flows") {
      problem = read_flows(m.value, request);
    } else if (m.key == "params") {
      problem = read_params(m.value, request);
    } else if (m.key == "full") {
      if (!m.value.is_bool())
        problem = wrong_type("full", "a boolean", m.value);
      else
        request.full = m.value.as_bool();
    } else {
      problem = request_error(400, "unknown_field",
                              "unknown field '" + scrub(m.key) + "' (known: flows, params, full)",
                              scrub(m.key));
    }
    if (problem) {
      answer.error = std::move(*problem);
      return answer;
    }
  }
  answer.value = std::move(request);
  return answer;
}

}  // namespace crmsync::service
