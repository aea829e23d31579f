#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_headers.h"

namespace crmsync::net {

// A request as the server's handlers see it; built by HttpServer so that
// callers never include Boost.Beast.
struct HttpRequest {
  std::string method;  // upper case: GET, POST, PATCH, PUT, DELETE
  std::string path;    // without the query string, percent-decoded
  // Captures of the route's regex; [0] is the whole path.
  std::vector<std::string> matches;
  std::multimap<std::string, std::string> query;  // decoded, in order per key
  HttpHeaders headers;
  std::string body;
  std::string remote_addr;
  int remote_port = 0;
  int local_port = 0;

  std::optional<std::string> header(std::string_view name) const {
    return find_header(headers, name);
  }
  // The first value of the query parameter `name`.
  std::optional<std::string> query_param(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
  }
};

// A response: what a server handler answers, and what HttpClient returns.
struct HttpResponse {
  int status = 200;
  HttpHeaders headers;
  std::string body;
  std::string content_type = "application/json";
  // Server side only: drop the TCP connection with a reset instead of
  // answering (fault injection). Ignored by the client.
  bool reset_connection = false;

  std::optional<std::string> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

}  // namespace crmsync::net
