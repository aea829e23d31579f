#include "service/api_auth.h"

#include <cctype>

#include "net/crypto.h"
#include "service/api_http.h"

namespace crmsync::service {
namespace {

net::HttpResponse unauthorized(const std::string& message, const char* challenge) {
  net::HttpResponse response;
  answer_error(response, request_error(401, "unauthorized", message));
  response.headers.emplace("WWW-Authenticate", challenge);
  return response;
}

bool starts_with_bearer(std::string_view value) {
  static constexpr std::string_view kScheme = "bearer ";
  if (value.size() < kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) return false;
  return true;
}

}  // namespace

std::optional<net::HttpResponse> BearerAuth::refuse(const net::HttpRequest& request) const {
  auto header = request.header("Authorization");
  if (!header)
    return unauthorized(
        "this endpoint needs the header 'Authorization: Bearer <token>' (docs/api.md, Auth)",
        "Bearer realm=\"crmsync\"");
  std::string_view value = *header;
  if (!starts_with_bearer(value))
    return unauthorized("the Authorization header must use the Bearer scheme",
                        "Bearer realm=\"crmsync\", error=\"invalid_request\"");
  std::string_view given = value.substr(7);
  while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
  while (!given.empty() && (given.back() == ' ' || given.back() == '\t')) given.remove_suffix(1);
  if (!net::equal_in_constant_time(given, token_))
    return unauthorized("the bearer token is not this service's API token",
                        "Bearer realm=\"crmsync\", error=\"invalid_token\"");
  return std::nullopt;
}

}  // namespace crmsync::service
