#pragma once

#include <functional>
#include <regex>
#include <string>
#include <string_view>
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
    std::string endpoint;               // name in counters: "query", "sobject.create" ...
    std::vector<std::string> literals;  // fixed parts every matching path contains
    Access access;
    Handler handler;
  };

  void add(std::string method, const std::string& pattern, std::string endpoint, Access access,
           Handler handler) {
    routes_.push_back(Route{std::move(method), std::regex(pattern, std::regex::optimize),
                            std::move(endpoint), literal_parts(pattern), access,
                            std::move(handler)});
  }

  // The first route for `method` whose pattern matches all of `path`.
  const Route* match(const std::string& method, const std::string& path,
                     std::vector<std::string>& captures) const {
    for (const Route& r : routes_) {
      std::smatch sm;
      if (r.method != method) continue;
      bool possible = true;
      for (const std::string& l : r.literals)
        possible = possible && path.find(l) != std::string::npos;
      if (!possible || !std::regex_match(path, sm, r.pattern)) continue;
      captures.assign(sm.begin(), sm.end());
      return &r;
    }
    return nullptr;
  }

 private:
  // The runs of plain characters outside groups and classes: every matching
  // path contains them all. std::regex is slow, and these rule out most
  // routes with a substring search.
  static std::vector<std::string> literal_parts(const std::string& pattern) {
    std::vector<std::string> out;
    std::string cur;
    int depth = 0;
    bool in_class = false;
    auto flush = [&] {
      if (cur.size() > 1) out.push_back(cur);
      cur.clear();
    };
    for (size_t i = 0; i < pattern.size(); ++i) {
      char ch = pattern[i];
      if (ch == '\\') {
        flush();
        ++i;
        continue;
      }
      if (in_class) {
        in_class = ch != ']';
        continue;
      }
      bool plain = std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '_';
      bool quantified = i + 1 < pattern.size() &&
                        std::string_view("?*+{").find(pattern[i + 1]) != std::string_view::npos;
      if (plain && !quantified && depth == 0) {
        cur += ch;
        continue;
      }
      flush();
      if (ch == '[') in_class = true;
      if (ch == '(') ++depth;
      if (ch == ')') --depth;
    }
    flush();
    return out;
  }

  std::vector<Route> routes_;
};

}  // namespace crmsync::sandbox::salesforce
