#pragma once

#include <optional>
#include <string>

#include "core/result.h"
#include "core/value.h"
#include "net/http_message.h"

namespace crmsync::sandbox::pipedrive {

// {"success":true,"data":...,"additional_data":...} with `status`.
void answer_ok(net::HttpResponse& response, const Value& data,
               const Value& additional_data = Value(), int status = 200);
// v1 record answers also carry "related_objects" (the owner user).
void answer_ok_v1(net::HttpResponse& response, const Value& data,
                  const Value& additional_data = Value(), int status = 200);
// The error envelope {success:false, error, error_info, data:null,
// additional_data:null}.
void answer_error(net::HttpResponse& response, int status, const std::string& error,
                  const std::string& error_info = "");
// The v2 not-found answer, as the OpenAPI example gives it.
void answer_not_found(net::HttpResponse& response);
// 401 as both versions answer a missing or wrong token.
void answer_unauthorized(net::HttpResponse& response);

// `limit` query parameter: default 100, 1..500; nullopt (and a 400 answered)
// when out of range or not a number.
std::optional<int> limit_param(const net::HttpRequest& request, net::HttpResponse& response);
// The JSON body as an object; nullopt (400 answered) when malformed.
std::optional<Value> json_body(const net::HttpRequest& request, net::HttpResponse& response);

// Opaque v2 cursors: base64 of {"id":N} (the last id of the page).
std::string make_cursor(int64_t last_id);
std::optional<int64_t> read_cursor(const std::string& cursor);

}  // namespace crmsync::sandbox::pipedrive
