#pragma once

#include <optional>
#include <string>

#include "net/http_message.h"

namespace crmsync::service {

// The bearer-token check of every /api/v1 request (docs/api.md "Auth").
// Thread-safe (immutable after construction).
class BearerAuth {
 public:
  explicit BearerAuth(std::string token) : token_(std::move(token)) {}

  // nullopt when the request carries `Authorization: Bearer <token>` with
  // this token (compared in constant time, net::equal_in_constant_time);
  // else the 401 answer, with `WWW-Authenticate: Bearer` and the JSON error.
  // A token in the query string does not count.
  std::optional<net::HttpResponse> refuse(const net::HttpRequest& request) const;

 private:
  std::string token_;
};

}  // namespace crmsync::service
