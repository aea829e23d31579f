// register_api (api.h): the routes, their auth, health and metrics, and the
// answers for unknown routes and wrong methods.
#include "service/api_routes.h"

#include <set>
#include <vector>

#include "core/redact.h"
#include "net/route_pattern.h"
#include "service/api.h"
#include "service/api_http.h"
#include "service/api_render.h"
#include "service/build_info.h"

namespace crmsync::service {
namespace {

using net::HttpRequest;
using net::HttpResponse;
using ApiHandler = void (*)(ApiContext&, const HttpRequest&, HttpResponse&);

// Every (method, path pattern) served, for 405 answers with Allow.
struct KnownRoute {
  std::string method;
  net::RoutePattern pattern;
};

bool under_api(std::string_view path) {
  return path == kApiPrefix ||
         (path.size() > kApiPrefix.size() && path.substr(0, kApiPrefix.size()) == kApiPrefix &&
          path[kApiPrefix.size()] == '/');
}

void healthz(const HttpRequest&, HttpResponse& response) {
  answer_json(response, 200, R"({"status":"ok"})");
}

void readyz(ApiContext& api, HttpResponse& response) {
  Readiness r = api.control.readiness();
  JsonOut out;
  out.begin_object();
  out.key("status").string(r.ready ? "ready" : "not ready");
  if (!r.ready) out.key("reason").string(r.reason);
  out.end_object();
  answer_json(response, r.ready ? 200 : 503, out.take());
}

void flows(ApiContext& api, const HttpRequest& request, HttpResponse& response) {
  if (auto ok = check_query(request, {}); !ok) return answer_error(response, ok.error);
  JsonOut out;
  out.begin_object().key("flows").begin_array();
  for (const FlowStatus& f : api.control.flows()) write_flow_status(out, f);
  out.end_array().end_object();
  answer_json(response, 200, out.take());
}

void connections(ApiContext& api, const HttpRequest& request, HttpResponse& response) {
  if (auto ok = check_query(request, {}); !ok) return answer_error(response, ok.error);
  JsonOut out;
  out.begin_object().key("connections").begin_array();
  for (const ConnectionStatus& c : api.control.connections()) write_connection_status(out, c);
  out.end_array().end_object();
  answer_json(response, 200, out.take());
}

// What runs: version, commit, build type, library versions (build_info.h).
void version(ApiContext&, const HttpRequest& request, HttpResponse& response) {
  if (auto ok = check_query(request, {}); !ok) return answer_error(response, ok.error);
  answer_json(response, 200, build_info_json(build_info()));
}

// POST /connections/{name}/check: checks it now; the answer is its status.
void check_connection(ApiContext& api, const HttpRequest& request, HttpResponse& response) {
  if (auto ok = check_query(request, {}); !ok) return answer_error(response, ok.error);
  auto checked = api.control.check_connection(request.matches.at(1));
  if (!checked) return answer_error(response, checked.error);
  JsonOut out;
  write_connection_status(out, *checked.value);
  answer_json(response, 200, out.take());
}

// This request's origin: where the OAuth redirect of Connect comes back
// unless the config's serve.public_url says otherwise.
std::string request_origin(ApiContext& api, const HttpRequest& request) {
  return (api.tls ? "https://" : "http://") + request.header("Host").value_or("127.0.0.1");
}

// POST /connections/{name}/connect: the authorize URL the browser goes to.
void connect_connection(ApiContext& api, const HttpRequest& request, HttpResponse& response) {
  if (auto ok = check_query(request, {}); !ok) return answer_error(response, ok.error);
  auto url = api.control.begin_connect(request.matches.at(1), request_origin(api, request));
  if (!url) return answer_error(response, url.error);
  JsonOut out;
  out.begin_object().key("authorize_url").string(*url.value).end_object();
  answer_json(response, 200, out.take());
}

// POST /connections/{name}/disconnect: revoke where the API can, delete the token.
void disconnect_connection(ApiContext& api, const HttpRequest& request, HttpResponse& response) {
  if (auto ok = check_query(request, {}); !ok) return answer_error(response, ok.error);
  auto done = api.control.disconnect(request.matches.at(1));
  if (!done) return answer_error(response, done.error);
  JsonOut out;
  out.begin_object();
  out.key("connection").string(request.matches.at(1));
  out.key("revocation").string(*done.value);
  out.end_object();
  answer_json(response, 200, out.take());
}

// GET /oauth/callback: the browser back from the API's login page. Needs no
// token or session (the browser comes from another site, which sends no
// SameSite=Strict cookie): the state, made by Connect and good once, is the
// proof. Answers with a redirect to the dashboard's connections page.
void oauth_callback(ApiContext& api, const HttpRequest& request, HttpResponse& response) {
  std::string state = request.query_param("state").value_or("");
  std::string code = request.query_param("code").value_or("");
  std::string refusal = request.query_param("error").value_or("");
  std::string location;
  if (!refusal.empty()) {
    (void)api.control.finish_connect(state, "");  // the state is spent
    std::string why = refusal;
    if (auto d = request.query_param("error_description")) why += ": " + *d;
    location = "/connections?oauth_error=" + url_encode(scrub("the login was refused: " + why));
  } else if (auto done = api.control.finish_connect(state, code)) {
    location = "/connections?connected=" + url_encode(*done.value);
  } else {
    location = "/connections?oauth_error=" + url_encode(done.error.message);
  }
  // A page that moves on by itself rather than a 303: a redirect chain
  // that began on the API's site would reach the dashboard without its
  // SameSite=Strict cookie; a navigation from this page carries it.
  response.status = 200;
  response.headers.emplace("Cache-Control", "no-store");
  response.headers.emplace("Referrer-Policy", "no-referrer");
  response.headers.emplace("Content-Security-Policy", "default-src 'none'");
  response.content_type = "text/html; charset=utf-8";
  response.body =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"refresh\" content=\"0;url=" +
      location + "\"><title>crmsync</title></head><body><p><a href=\"" + location +
      "\">Back to the dashboard</a></p></body></html>\n";
}

class Registrar {
 public:
  Registrar(net::HttpServer& server, std::shared_ptr<ApiContext> api)
      : server_(server), api_(std::move(api)) {}

  // An authenticated /api/v1 route.
  void route(const char* method, const std::string& path, ApiHandler handler,
             net::RouteOptions options = {}) {
    std::string pattern = std::string(kApiPrefix) + path;
    remember(method, pattern);
    server_.on(
        method, pattern,
        [api = api_, handler](const HttpRequest& request, HttpResponse& response) {
          if (auto refused = refuse_unauthorized(*api, request)) {
            response = std::move(*refused);
            return;
          }
          handler(*api, request, response);
        },
        options);
  }

  void stream_route(const std::string& path) {
    std::string pattern = std::string(kApiPrefix) + path;
    remember("GET", pattern);
    server_.on_stream("GET", pattern,
                      [api = api_](const HttpRequest& request, HttpResponse& response,
                                   std::shared_ptr<net::ResponseStream> stream) {
                        if (auto refused = refuse_unauthorized(*api, request)) {
                          response = std::move(*refused);
                          stream->write(std::move(response.body));
                          response.body.clear();
                          stream->close();
                          return;
                        }
                        stream_run_events(*api, request, response, stream);
                      });
  }

  // An open route (health, metrics): no token.
  void open_route(const std::string& pattern, net::HttpServer::Handler handler) {
    remember("GET", pattern);
    server_.on("GET", pattern, std::move(handler));
  }

  void not_found() {
    server_.set_not_found([api = api_, known = std::move(known_)](const HttpRequest& request,
                                                                  HttpResponse& response) {
      bool api_path = under_api(request.path);
      if (api_path) {
        if (auto refused = refuse_unauthorized(*api, request)) {
          response = std::move(*refused);
          return;
        }
      }
      std::set<std::string> allowed;
      std::vector<std::string> captures;
      for (const KnownRoute& r : known)
        if (r.pattern.match(request.path, captures)) allowed.insert(r.method);
      if (!allowed.empty()) {
        if (allowed.count("GET")) allowed.insert("HEAD");
        std::string allow;
        for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
        answer_error(response,
                     request_error(405, "method_not_allowed",
                                   request.method + " is not allowed on " + scrub(request.path) +
                                       " (allowed: " + allow + ")"));
        response.headers.emplace("Allow", allow);
        return;
      }
      answer_error(response,
                   request_error(404, "not_found",
                                 "no endpoint " + request.method + " " + scrub(request.path) +
                                     (api_path ? " (docs/api.md lists them)" : "")));
    });
  }

 private:
  void remember(const char* method, const std::string& pattern) {
    if (auto compiled = net::RoutePattern::compile(pattern))
      known_.push_back({method, std::move(*compiled)});
  }

  net::HttpServer& server_;
  std::shared_ptr<ApiContext> api_;
  std::vector<KnownRoute> known_;
};

}  // namespace

std::optional<HttpResponse> refuse_unauthorized(const ApiContext& api, const HttpRequest& request) {
  if (api.sessions) {
    SessionVerdict v = check_session(*api.sessions, request);
    if (v.handled) return std::move(v.refusal);
  }
  return api.auth.refuse(request);
}

void register_api(net::HttpServer& server, ServiceControl& control, Metrics& metrics,
                  const ApiOptions& options) {
  register_secret(options.token);
  auto api = std::make_shared<ApiContext>(control, metrics, options.token, options.sessions);
  api->tls = options.tls;
  Registrar r(server, api);
  // POST bodies are small JSON objects; anything larger is refused (413)
  // before it is read.
  net::RouteOptions small_body;
  small_body.max_body_bytes = 64u << 10;
  const std::string run = "/runs/([^/]+)";
  r.route("GET", "/runs", list_runs);
  r.route("POST", "/runs", submit_run, small_body);
  r.route("GET", run, get_run);
  r.route("POST", run + "/cancel", cancel_run, small_body);
  r.route("POST", run + "/retry", retry_run, small_body);
  r.route("GET", run + "/errors", list_run_errors);
  r.stream_route(run + "/events");
  r.route("GET", "/flows", flows);
  r.route("GET", "/connections", connections);
  r.route("GET", "/version", version);
  r.route("GET", "/inbox", get_inbox);
  r.route("POST", "/connections/([^/]+)/check", check_connection, small_body);
  r.route("POST", "/connections/([^/]+)/connect", connect_connection, small_body);
  r.route("POST", "/connections/([^/]+)/disconnect", disconnect_connection, small_body);
  r.route("POST", "/errors/([^/]+)/retry", retry_error, small_body);
  r.route("POST", "/plan", plan_run, small_body);
  r.open_route("/oauth/callback", [api](const HttpRequest& request, HttpResponse& response) {
    oauth_callback(*api, request, response);
  });

  r.open_route("/healthz", healthz);
  r.open_route("/readyz",
               [api](const HttpRequest&, HttpResponse& response) { readyz(*api, response); });
  r.open_route("/metrics", [api](const HttpRequest&, HttpResponse& response) {
    response.status = 200;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = api->metrics.render();
  });
  r.not_found();
}

}  // namespace crmsync::service
