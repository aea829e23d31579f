#include "service/api_http.h"

#include <cctype>
#include <charconv>

#include "core/redact.h"
#include "service/api_render.h"

namespace crmsync::service {
namespace {

std::optional<int64_t> parse_int(std::string_view text) {
  int64_t v = 0;
  if (text.empty() || text.size() > 19) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

void answer_json(net::HttpResponse& response, int status, std::string body) {
  response.status = status;
  response.content_type = std::string(kJsonType);
  response.body = std::move(body);
}

void answer_error(net::HttpResponse& response, const RequestError& error) {
  answer_json(response, error.status, error_body(error));
}

RequestError request_error(int status, std::string code, std::string message, std::string field) {
  RequestError e;
  e.status = status;
  e.code = std::move(code);
  e.message = std::move(message);
  e.field = std::move(field);
  return e;
}

RequestError store_failure(const Error& error) {
  return request_error(500, "internal_error", "state store: " + scrub(error.message));
}

Answer<bool> check_query(const net::HttpRequest& request,
                         std::initializer_list<std::string_view> allowed) {
  Answer<bool> answer;
  for (auto it = request.query.begin(); it != request.query.end();
       it = request.query.upper_bound(it->first)) {
    const std::string& name = it->first;
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (!known) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      answer.error = request_error(400, "unknown_parameter",
                                   "unknown query parameter '" + scrub(name) + "'" +
                                       (list.empty() ? std::string(" (this endpoint takes none)")
                                                     : " (known: " + list + ")"),
                                   scrub(name));
      return answer;
    }
    if (request.query.count(name) > 1) {
      answer.error = request_error(400, "invalid_value",
                                   "query parameter '" + name + "' is given more than once", name);
      return answer;
    }
  }
  answer.value = true;
  return answer;
}

Answer<int64_t> query_integer(const net::HttpRequest& request, const std::string& name, int64_t min,
                              int64_t max, int64_t fallback) {
  Answer<int64_t> answer;
  auto text = request.query_param(name);
  if (!text) {
    answer.value = fallback;
    return answer;
  }
  auto v = parse_int(*text);
  if (!v || *v < min || *v > max) {
    answer.error = request_error(400, "invalid_value",
                                 "query parameter '" + name + "' must be an integer from " +
                                     std::to_string(min) + " to " + std::to_string(max),
                                 name);
    return answer;
  }
  answer.value = *v;
  return answer;
}

Answer<int64_t> path_run_id(const net::HttpRequest& request) {
  Answer<int64_t> answer;
  std::string_view text =
      request.matches.size() > 1 ? std::string_view(request.matches[1]) : std::string_view();
  auto v = parse_int(text);
  if (!v || *v <= 0) {
    answer.error = request_error(404, "not_found", "no run '" + scrub(text) + "'", "id");
    return answer;
  }
  answer.value = *v;
  return answer;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace crmsync::service
