#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "net/http_message.h"

namespace crmsync::net {

// The HTTP server's text work that needs no socket: reading a request
// target, writing a response head, the server's own error answers and the
// access-log line. Pure functions, any thread.

// Fills `request.path` (percent-decoded) and `request.query` (decoded, '+'
// as space) from a request target ("/p?a=1", or absolute-form
// "http://host/p?a=1"). Error (for a 400) when the target is not a path or
// its decoded path is not UTF-8.
Status parse_target(std::string_view target, HttpRequest& request);

// "HTTP/1.1 <status> <reason>" and the headers, up to the blank line:
// the response's own headers, its Content-Type, and Content-Length of
// `body_length` (or Transfer-Encoding: chunked when `chunked`), and
// "Connection: close" when `close`.
std::string response_head(const HttpResponse& response, size_t body_length, bool chunked,
                          bool close);

// One chunk of a chunked body ("" gives the last chunk).
std::string chunk(std::string_view data);

// A response the server makes itself: `status` with a JSON body
// {"error": <reason phrase>, "message": <why>, "status": <status>}.
HttpResponse server_error(int status, std::string_view why);

// "GET /v1/persons?limit&start 200 153us": query keys kept, values dropped
// (they may hold tokens).
std::string access_log_line(std::string_view method, std::string_view target, int status,
                            long long micros);

// The reason phrase of a status ("Not Found"); "Unknown" for others.
std::string_view reason_phrase(int status);

}  // namespace crmsync::net
