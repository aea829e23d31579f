#pragma once

#include <map>
#include <string>
#include <string_view>

#include "net/http_message.h"
#include "sandbox/salesforce/sf_error.h"

namespace crmsync::sandbox::salesforce {

// What real Salesforce puts on its JSON answers; jsforce parses a body as
// JSON only when the Content-Type matches ^application/json(;|$).
inline constexpr const char* kJsonType = "application/json;charset=UTF-8";
// The REST API's path prefix as a route pattern; group 1 is the version.
inline constexpr const char* kDataPathPattern = "/services/data/v(\\d+\\.\\d+)";

// `[{"message":..,"errorCode":..,"fields":[..]}]` with the error's status.
void answer_error(net::HttpResponse& res, const SfError& e);
// A JSON body with status `status`.
void answer_json(net::HttpResponse& res, int status, std::string body);

// One error object; `code_key` is "errorCode" (REST) or "statusCode" (collections).
void append_error_object(const SfError& e, const char* code_key, std::string& out);
// A collection / single save result: {"id":..,"success":..,"errors":[..]}.
void append_save_result(const std::string& id, const SfError* error, std::string& out,
                        const bool* created = nullptr);

// application/x-www-form-urlencoded body into its fields (last one wins).
std::map<std::string, std::string> parse_form(std::string_view body);
std::string url_decode(std::string_view s);

// Standard base64 of bytes.
std::string base64(std::string_view bytes);

}  // namespace crmsync::sandbox::salesforce
