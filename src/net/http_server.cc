#include "net/http_server.h"

// GCC 12 reports false "maybe-uninitialized" warnings inside std::regex's
// std::function members at -O2 with sanitizers (GCC bug 105562).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// Answers go out as a header write and a body write; with Nagle on, the
// body of every answer on a kept-alive connection waits for the client's
// delayed ACK (tens of ms per request). The sandboxes serve API clients
// that send one request after another on one connection.
#define CPPHTTPLIB_TCP_NODELAY true
#include <httplib.h>

#include <regex>
#include <vector>

#include "net/connection_reset.h"

namespace crmsync::net {

namespace {
struct Route {
  std::string method;
  std::string literal_prefix;  // checked first: std::regex is slow
  std::regex pattern;
  HttpServer::Handler handler;
};

// The part of a pattern before its first regex metacharacter; every path
// the pattern matches starts with it.
std::string literal_prefix(const std::string& pattern) {
  size_t end = pattern.find_first_of("\\^$.|?*+()[]{}");
  std::string prefix = pattern.substr(0, end);
  // A quantifier applies to the character before it, which is then optional.
  if (end != std::string::npos && !prefix.empty() &&
      std::string("?*{").find(pattern[end]) != std::string::npos)
    prefix.pop_back();
  return prefix;
}

HttpRequest to_request(const httplib::Request& in) {
  HttpRequest out;
  out.method = in.method;
  out.path = in.path;
  out.query.insert(in.params.begin(), in.params.end());
  out.headers.insert(in.headers.begin(), in.headers.end());
  out.body = in.body;
  out.remote_addr = in.remote_addr;
  out.remote_port = in.remote_port;
  out.local_port = in.local_port;
  return out;
}

void not_found(const HttpRequest& request, HttpResponse& response) {
  response.status = 404;
  response.body = "{\"error\":\"no route for " + request.method + " " + request.path + "\"}";
}
}  // namespace

struct HttpServer::Impl {
  httplib::Server server;
  std::vector<Route> routes;
  Handler not_found_handler = not_found;
  PreRequestHook pre_request_hook;
  Observer observer;
};

HttpServer::HttpServer(HttpServerOptions options) : impl_(std::make_unique<Impl>()) {
  auto& server = impl_->server;
  size_t threads = options.threads == 0 ? 1 : options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_keep_alive_timeout(options.keep_alive_timeout_secs);
  server.set_keep_alive_max_count(options.keep_alive_max_requests);
  server.set_payload_max_length(options.max_body_bytes);
  server.set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which lets a second server bind
  // a port already in use; a taken port must be an error.
  server.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // Every method goes through dispatch(): one conversion of the request, and
  // the hook, routing and observer in one place.
  auto serve = [this](const httplib::Request& in, httplib::Response& out) {
    HttpRequest request = to_request(in);
    HttpResponse response;
    dispatch(request, response);
    if (response.reset_connection && reset_tcp_connection(request.local_port, request.remote_port))
      return;  // the write that follows fails and httplib closes the descriptor
    out.status = response.status;
    for (auto& [name, value] : response.headers) out.headers.emplace(name, value);
    out.set_content(std::move(response.body), response.content_type.c_str());
  };
  server.Get(".*", serve);
  server.Post(".*", serve);
  server.Put(".*", serve);
  server.Patch(".*", serve);
  server.Delete(".*", serve);
  server.Options(".*", serve);
}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::on(std::string_view method, const std::string& pattern, Handler handler) {
  impl_->routes.push_back(
      {std::string(method), literal_prefix(pattern), std::regex(pattern), std::move(handler)});
}

void HttpServer::set_not_found(Handler handler) {
  impl_->not_found_handler = std::move(handler);
}
void HttpServer::set_pre_request_hook(PreRequestHook hook) {
  impl_->pre_request_hook = std::move(hook);
}
void HttpServer::set_observer(Observer observer) {
  impl_->observer = std::move(observer);
}

void HttpServer::dispatch(HttpRequest& request, HttpResponse& response) const {
  std::optional<HttpResponse> early;
  if (impl_->pre_request_hook) early = impl_->pre_request_hook(request);
  if (early) {
    response = std::move(*early);
  } else {
    bool routed = false;
    std::smatch match;
    for (const auto& route : impl_->routes) {
      if (route.method != request.method) continue;
      if (request.path.compare(0, route.literal_prefix.size(), route.literal_prefix) != 0) continue;
      if (!std::regex_match(request.path, match, route.pattern)) continue;
      for (const auto& group : match) request.matches.push_back(group.str());
      route.handler(request, response);
      routed = true;
      break;
    }
    if (!routed) impl_->not_found_handler(request, response);
  }
  if (impl_->observer) impl_->observer(request, response);
}

Status HttpServer::listen(const std::string& host, int port) {
  if (listening_) return Error(ErrorKind::fatal, "http server: already listening");
  auto& server = impl_->server;
  if (port == 0) {
    port_ = server.bind_to_any_port(host);
    if (port_ < 0) return Error(ErrorKind::fatal, "http server: cannot bind " + host + ":0");
  } else {
    if (!server.bind_to_port(host, port))
      return Error(ErrorKind::fatal, "http server: cannot bind " + host + ":" +
                                         std::to_string(port) +
                                         " (address in use or not available)");
    port_ = port;
  }
  listening_ = true;
  return Status::ok_status();
}

Status HttpServer::start() {
  if (!listening_) return Error(ErrorKind::fatal, "http server: start() before listen()");
  if (thread_.joinable()) return Status::ok_status();
  serving_done_ = false;
  thread_ = std::thread([this] {
    impl_->server.listen_after_bind();
    serving_done_ = true;
  });
  return Status::ok_status();
}

void HttpServer::stop() {
  if (!listening_) return;
  // httplib's stop() only acts once its accept loop runs (and only the loop
  // closes the bound socket), so a server never started is started here, and
  // stop waits for the loop to begin.
  if (!thread_.joinable()) (void)start();
  while (!impl_->server.is_running() && !serving_done_)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->server.stop();
  thread_.join();
  listening_ = false;
}

}  // namespace crmsync::net
