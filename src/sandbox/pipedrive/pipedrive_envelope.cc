#include "sandbox/pipedrive/pipedrive_envelope.h"

#include "core/json.h"
#include "sandbox/common/json_object.h"

namespace crmsync::sandbox::pipedrive {

namespace {
constexpr const char* kErrorInfo =
    "Please check developers.pipedrive.com for more information about Pipedrive API.";
}

void answer_ok(net::HttpResponse& response, const Value& data, const Value& additional_data,
               int status) {
  response.status = status;
  response.body = "{\"success\":true,\"data\":";
  append_json(data, response.body);
  response.body += ",\"additional_data\":";
  append_json(additional_data, response.body);
  response.body += '}';
}

void answer_ok_v1(net::HttpResponse& response, const Value& data, const Value& additional_data,
                  int status) {
  answer_ok(response, data, additional_data, status);
  response.body.pop_back();
  response.body += R"(,"related_objects":{"user":{"1":)";
  append_json(Value(Object{{"id", 1},
                           {"name", "Sandbox User"},
                           {"email", "sandbox.user@example.com"},
                           {"has_pic", 0},
                           {"pic_hash", nullptr},
                           {"active_flag", true}}),
              response.body);
  response.body += "}}}";
}

void answer_error(net::HttpResponse& response, int status, const std::string& error,
                  const std::string& error_info) {
  response.status = status;
  response.body = "{\"success\":false,\"error\":";
  append_json_string(error, response.body);
  response.body += ",\"error_info\":";
  append_json_string(error_info.empty() ? kErrorInfo : error_info, response.body);
  response.body += ",\"data\":null,\"additional_data\":null}";
}

void answer_not_found(net::HttpResponse& response) {
  answer_error(response, 404, "Entity was not found", "Object was not found.");
}

void answer_unauthorized(net::HttpResponse& response) {
  response.status = 401;
  response.body = R"({"success":false,"error":"unauthorized access","errorCode":401})";
}

std::optional<int> limit_param(const net::HttpRequest& request, net::HttpResponse& response) {
  auto text = request.query_param("limit");
  if (!text) return 100;
  if (text->empty() || text->size() > 6 ||
      text->find_first_not_of("0123456789") != std::string::npos) {
    answer_error(response, 400, "Validation failed: limit: Expected number, received string");
    return std::nullopt;
  }
  int limit = std::stoi(*text);
  if (limit < 1 || limit > 500) {
    answer_error(response, 400,
                 "Validation failed: limit: Number must be less than or equal to 500");
    return std::nullopt;
  }
  return limit;
}

std::optional<Value> json_body(const net::HttpRequest& request, net::HttpResponse& response) {
  auto parsed = parse_json(request.body.empty() ? std::string_view("{}") : request.body);
  if (!parsed.ok() || !parsed->is_object()) {
    answer_error(response, 400, "Request body must be a JSON object");
    return std::nullopt;
  }
  return std::move(parsed).value();
}

std::string make_cursor(int64_t last_id) {
  return base64_encode("{\"id\":" + std::to_string(last_id) + "}");
}

std::optional<int64_t> read_cursor(const std::string& cursor) {
  std::string text;
  if (!base64_decode(cursor, text)) return std::nullopt;
  auto parsed = parse_json(text);
  if (!parsed.ok() || !parsed->is_object()) return std::nullopt;
  const Value* id = member(parsed->as_object(), "id");
  if (id == nullptr || !id->is_int()) return std::nullopt;
  return id->as_int();
}

}  // namespace crmsync::sandbox::pipedrive
