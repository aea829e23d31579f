#pragma once

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_message.h"
#include "net/route_pattern.h"

namespace crmsync::sandbox::salesforce {

// One request being answered: the route's captures and, on routes that need
// a session, the authenticated user.
struct Call {
  const net::HttpRequest& req;
  net::HttpResponse& res;
  std::vector<std::string> m;  // pattern captures; [0] is the whole path
  std::string user_id;
  // The name the request counters use: the route's, unless the handler
  // tells a finer one (one path shape serving two resources).
  std::string endpoint;
};

// The sandbox's own route table. The HTTP server hands every request to it,
// and /composite uses it again for its subrequests, so a subrequest takes
// exactly the path a direct call takes.
class Router {
  inline static const std::string kGet = "GET";

 public:
  enum class Access {
    open,     // no session: versions list, login, token endpoint, admin
    session,  // Bearer/OAuth token; counts against the daily API limit
  };
  using Handler = std::function<void(Call&)>;
  struct Route {
    std::string method;
    net::RoutePattern pattern;
    std::string endpoint;  // name in counters: "query", "sobject.create" ...
    Access access;
    Handler handler;
  };

  // Patterns are the sandbox's own: one that does not compile is a bug here.
  void add(std::string method, const std::string& pattern, std::string endpoint, Access access,
           Handler handler) {
    auto compiled = net::RoutePattern::compile(pattern);
    if (!compiled) std::abort();
    routes_.push_back(Route{std::move(method), std::move(*compiled), std::move(endpoint), access,
                            std::move(handler)});
  }

  // The first route for `method` whose pattern matches all of `path`; a
  // HEAD is answered by the GET route (the server drops the body).
  const Route* match(const std::string& method, const std::string& path,
                     std::vector<std::string>& captures) const {
    const std::string& wanted = method == "HEAD" ? kGet : method;
    for (const Route& r : routes_)
      if (r.method == wanted && r.pattern.match(path, captures)) return &r;
    return nullptr;
  }

  // The methods some route takes on `path` ("GET,HEAD,PATCH"), for a 405;
  // empty when no route has the path.
  std::string allowed_methods(const std::string& path) const {
    std::vector<std::string> methods;
    std::vector<std::string> captures;
    for (const Route& r : routes_) {
      if (!r.pattern.match(path, captures)) continue;
      if (std::find(methods.begin(), methods.end(), r.method) == methods.end()) {
        methods.push_back(r.method);
        if (r.method == kGet) methods.push_back("HEAD");
      }
    }
    std::string out;
    for (const std::string& m : methods) out += (out.empty() ? "" : ",") + m;
    return out;
  }

 private:
  std::vector<Route> routes_;
};

}  // namespace crmsync::sandbox::salesforce
