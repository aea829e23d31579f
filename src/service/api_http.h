#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "net/http_message.h"
#include "service/control.h"

namespace crmsync::service {

// Request and answer plumbing shared by the API's routes: JSON answers, the
// error shape, query and path values checked into RequestErrors.

inline constexpr std::string_view kJsonType = "application/json; charset=utf-8";

void answer_json(net::HttpResponse& response, int status, std::string body);
void answer_error(net::HttpResponse& response, const RequestError& error);
RequestError request_error(int status, std::string code, std::string message,
                           std::string field = "");
// A failure of the state store (a bug or a broken disk, not the client's
// fault): 500 internal_error, the message scrubbed.
RequestError store_failure(const Error& error);

// Every query parameter is one of `allowed` and given once; else 400
// unknown_parameter / invalid_value naming it (never its value, which
// might be a token pasted in the wrong place).
Answer<bool> check_query(const net::HttpRequest& request,
                         std::initializer_list<std::string_view> allowed);
// The integer query parameter `name` in [min, max]; `fallback` when absent.
Answer<int64_t> query_integer(const net::HttpRequest& request, const std::string& name, int64_t min,
                              int64_t max, int64_t fallback);
// A run id from the path (capture 1): a positive integer, else 404 (no such run).
Answer<int64_t> path_run_id(const net::HttpRequest& request);

// `text` as a query-string value (RFC 3986 unreserved kept, the rest %XX).
std::string url_encode(std::string_view text);

}  // namespace crmsync::service
