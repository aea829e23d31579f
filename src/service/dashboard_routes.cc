// register_dashboard (dashboard_routes.h): the embedded page and assets,
// login, logout and the session's CSRF token.
#include "service/dashboard_routes.h"

#include <map>

#include "core/json.h"
#include "net/crypto.h"
#include "net/gzip_body.h"
#include "service/api_http.h"
#include "service/api_json.h"
#include "service/dashboard_assets.h"

namespace crmsync::service {
namespace {

using net::HttpRequest;
using net::HttpResponse;

// An embedded file ready to send: its ETag, and its gzip when that is smaller.
struct ServedAsset {
  const DashboardAsset* asset = nullptr;
  std::string etag;
  std::string gzipped;
};

const std::map<std::string_view, ServedAsset>& served_assets() {
  static const std::map<std::string_view, ServedAsset> all = [] {
    std::map<std::string_view, ServedAsset> m;
    for (const DashboardAsset& a : dashboard_assets()) {
      ServedAsset s;
      s.asset = &a;
      std::string digest = net::sha256(a.body);
      static constexpr char kHex[] = "0123456789abcdef";
      s.etag = "\"";
      for (size_t i = 0; i < 12; ++i) {
        s.etag += kHex[static_cast<unsigned char>(digest[i]) >> 4];
        s.etag += kHex[static_cast<unsigned char>(digest[i]) & 15];
      }
      s.etag += "\"";
      std::string z = net::gzip(a.body);
      if (!z.empty() && z.size() < a.body.size()) s.gzipped = std::move(z);
      m.emplace(a.path, std::move(s));
    }
    return m;
  }();
  return all;
}

void security_headers(HttpResponse& response) {
  response.headers.emplace("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                           "base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
  response.headers.emplace("X-Content-Type-Options", "nosniff");
  response.headers.emplace("Referrer-Policy", "no-referrer");
  response.headers.emplace("X-Frame-Options", "DENY");
}

void send_asset(std::string_view path, const HttpRequest& request, HttpResponse& response) {
  const auto& all = served_assets();
  auto it = all.find(path);
  if (it == all.end()) {
    return answer_error(response, request_error(404, "not_found", "no dashboard file here"));
  }
  const ServedAsset& s = it->second;
  bool gzip = !s.gzipped.empty() &&
              request.header("Accept-Encoding").value_or("").find("gzip") != std::string::npos;
  std::string etag = gzip ? s.etag.substr(0, s.etag.size() - 1) + "-gz\"" : s.etag;
  security_headers(response);
  response.headers.emplace("ETag", etag);
  response.headers.emplace("Cache-Control", "no-cache");
  response.headers.emplace("Vary", "Accept-Encoding");
  response.content_type = std::string(s.asset->content_type);
  if (request.header("If-None-Match").value_or("") == etag) {
    response.status = 304;
    response.body.clear();
    return;
  }
  response.status = 200;
  if (gzip) {
    response.headers.emplace("Content-Encoding", "gzip");
    response.body = s.gzipped;
  } else {
    response.body = std::string(s.asset->body);
  }
}

bool live_session(DashboardSessions& sessions, const HttpRequest& request) {
  auto id = session_cookie(request);
  return id && sessions.touch(*id);
}

// The path and query the browser asked for, for `next=` after login.
std::string page_target(const HttpRequest& request) {
  std::string target = request.path;
  char sep = '?';
  for (const auto& [k, v] : request.query) {
    target += sep + url_encode(k) + "=" + url_encode(v);
    sep = '&';
  }
  return target;
}

void serve_page(const DashboardOptions& o, const HttpRequest& request, HttpResponse& response) {
  if (request.path != "/login" && !live_session(*o.sessions, request)) {
    security_headers(response);
    response.status = 303;
    response.headers.emplace("Location", "/login?next=" + url_encode(page_target(request)));
    response.headers.emplace("Cache-Control", "no-store");
    response.content_type = "text/plain; charset=utf-8";
    response.body = "log in first\n";
    return;
  }
  send_asset("/index.html", request, response);
}

void answer_csrf(HttpResponse& response, int status, const std::string& csrf) {
  JsonOut out;
  out.begin_object().key("csrf").string(csrf).end_object();
  answer_json(response, status, out.take());
  response.headers.emplace("Cache-Control", "no-store");
}

void handle_login(const DashboardOptions& o, const HttpRequest& request, HttpResponse& response) {
  // A JSON body only: a cross-site form cannot send one without a CORS
  // preflight, which this origin never grants.
  std::string type = request.header("Content-Type").value_or("");
  if (type.rfind("application/json", 0) != 0) {
    return answer_error(response, request_error(415, "invalid_type",
                                                "POST /login takes a JSON body {\"token\": ...}"));
  }
  auto body = parse_json(request.body);
  const Value* token = body.ok() ? body->find("token") : nullptr;
  if (!token || !token->is_string() || token->as_string().empty()) {
    return answer_error(response, request_error(400, "invalid_value",
                                                "paste the API token (docs/dashboard.md says "
                                                "where serve keeps it)",
                                                "token"));
  }
  if (!net::equal_in_constant_time(token->as_string(), o.token)) {
    return answer_error(response, request_error(401, "unauthorized",
                                                "that is not this serve's API token", "token"));
  }
  if (auto old = session_cookie(request)) o.sessions->end(*old);
  DashboardSessions::Created s = o.sessions->create();
  answer_csrf(response, 200, s.csrf);
  response.headers.emplace("Set-Cookie", session_set_cookie(s.id, o.secure_cookie));
}

void handle_logout(const DashboardOptions& o, const HttpRequest& request, HttpResponse& response) {
  SessionVerdict v = check_session(*o.sessions, request);
  if (v.refusal && v.refusal->status == 403) {
    response = std::move(*v.refusal);
    return;
  }
  if (auto id = session_cookie(request)) o.sessions->end(*id);
  response.status = 204;
  response.body.clear();
  response.headers.emplace("Set-Cookie", session_set_cookie("", o.secure_cookie));
}

void handle_session(const DashboardOptions& o, const HttpRequest& request, HttpResponse& response) {
  auto id = session_cookie(request);
  auto csrf = id ? o.sessions->touch(*id) : std::nullopt;
  if (!csrf) {
    return answer_error(response,
                        request_error(401, "session_expired", "no live dashboard session"));
  }
  answer_csrf(response, 200, *csrf);
}

}  // namespace

void register_dashboard(net::HttpServer& server, const DashboardOptions& options) {
  auto o = std::make_shared<const DashboardOptions>(options);
  server.on("GET", "/assets/[A-Za-z0-9_.\\-]+",
            [](const HttpRequest& r, HttpResponse& a) { send_asset(r.path, r, a); });
  server.on("GET", "/(?:login|history|start|connections|errors|runs/\\d+(?:/errors)?)?",
            [o](const HttpRequest& r, HttpResponse& a) { serve_page(*o, r, a); });
  net::RouteOptions small;
  small.max_body_bytes = 4096;
  server.on(
      "POST", "/login", [o](const HttpRequest& r, HttpResponse& a) { handle_login(*o, r, a); },
      small);
  server.on(
      "POST", "/logout", [o](const HttpRequest& r, HttpResponse& a) { handle_logout(*o, r, a); },
      small);
  server.on("GET", "/session",
            [o](const HttpRequest& r, HttpResponse& a) { handle_session(*o, r, a); });
}

}  // namespace crmsync::service
