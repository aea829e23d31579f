#pragma once

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "net/http_message.h"

namespace crmsync::sandbox::salesforce {

// One request being answered: the route's captures and, on routes that need
// a session, the authenticated user.
struct Call {
  const net::HttpRequest& req;
  net::HttpResponse& res;
  std::vector<std::string> m;  // regex captures; [0] is the whole path
  std::string user_id;
};

// The sandbox's own route table. The HTTP server hands every request to it,
// and /composite uses it again for its subrequests, so a subrequest takes
// exactly the path a direct call takes.
class Router {
 public:
  enum class Access {
    open,     // no session: versions list, login, token endpoint, admin
    session,  // Bearer/OAuth token; counts against the daily API limit
  };
  using Handler = std::function<void(Call&)>;
  struct Route {
    std::string method;
    std::regex pattern;
    std::string endpoint;  // name in counters: "query", "sobject.create" ...
    Access access;
    Handler handler;
  };

  void add(std::string method, const std::string& pattern, std::string endpoint, Access access,
           Handler handler) {
    routes_.push_back(Route{std::move(method), std::regex(pattern), std::move(endpoint), access,
                            std::move(handler)});
  }

  // The first route for `method` whose pattern matches all of `path`.
  const Route* match(const std::string& method, const std::string& path,
                     std::vector<std::string>& captures) const {
    for (const Route& r : routes_) {
      std::smatch sm;
      if (r.method != method || !std::regex_match(path, sm, r.pattern)) continue;
      captures.assign(sm.begin(), sm.end());
      return &r;
    }
    return nullptr;
  }

 private:
  std::vector<Route> routes_;
};

}  // namespace crmsync::sandbox::salesforce
