#pragma once

// The HttpServer's private parts, shared by http_server.cc and the
// connection session (http_server_session.h). Included by http_server.cc
// only: Asio and Beast stay in that one translation unit.
#include <array>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "net/gzip_body.h"
#include "net/http_framing.h"
#include "net/http_server.h"
#include "net/http_wire.h"
#include "net/route_pattern.h"
#include "net/worker_pool.h"

namespace crmsync::net {

// Named, not anonymous: Impl (declared in http_server.h) holds these.
namespace server_detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Steady = std::chrono::steady_clock;

struct Route {
  std::string method;
  RoutePattern pattern;
  HttpServer::Handler handler;  // one of these two
  HttpServer::StreamHandler stream_handler;
  RouteOptions options;
};

void default_not_found(const HttpRequest& request, HttpResponse& response) {
  response = server_error(404, "no route for " + request.method + " " + request.path);
}

std::string to_string(beast::string_view s) {
  return std::string(s.data(), s.size());
}

bool iequals(beast::string_view a, std::string_view b) {
  return beast::iequals(a, beast::string_view(b.data(), b.size()));
}

// What stop() needs from a connection, whatever its stream type.
class Connection {
 public:
  virtual ~Connection() = default;
  // Posted to the connection's own executor: graceful, then forced.
  virtual void post_shutdown() = 0;
  virtual void post_close() = 0;
};
}  // namespace server_detail
using namespace server_detail;  // NOLINT: private header of one .cc

struct HttpServer::Impl {
  explicit Impl(HttpServerOptions o) : options(std::move(o)) {}

  HttpServerOptions options;
  std::vector<Route> routes;
  std::vector<Error> route_errors;
  Handler not_found = default_not_found;
  PreRequestHook pre_request_hook;
  Observer observer;

  // Connection accounting. Connections leave it in their destructors, which
  // can run while `ioc` is destroyed: these members are declared first so
  // that they are destroyed last.
  std::mutex mutex;
  std::condition_variable drained;
  std::unordered_map<std::string, size_t> per_client;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live;
  std::atomic<bool> stopping = false;

  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<asio::ssl::context> tls;
  tcp::acceptor acceptor{asio::make_strand(ioc)};
  asio::steady_timer accept_retry{acceptor.get_executor()};
  std::vector<std::thread> io_threads;
  std::unique_ptr<WorkerPool> pool;
  bool listening = false;
  bool started = false;

  const Route* find_route(const std::string& method, const std::string& path,
                          std::vector<std::string>& captures) const {
    std::string_view wanted = method;
    if (method == "HEAD") wanted = "GET";
    for (const Route& route : routes)
      if (route.method == wanted && route.pattern.match(path, captures)) return &route;
    return nullptr;
  }

  // On a handler thread: the hook, the route (or not-found), the observer.
  // True when a stream handler ran (the answer is then streamed).
  bool handle(const HttpRequest& request, const Route* route, HttpResponse& response,
              const std::shared_ptr<ResponseStream>& stream) const {
    bool streamed = false;
    try {
      std::optional<HttpResponse> early;
      if (pre_request_hook) early = pre_request_hook(request);
      if (early) {
        response = std::move(*early);
      } else if (route && route->stream_handler) {
        streamed = true;
        route->stream_handler(request, response, stream);
      } else if (route) {
        route->handler(request, response);
      } else {
        not_found(request, response);
      }
    } catch (const std::exception& e) {
      // A handler's bug must cost one answer, not the server.
      response = server_error(500, std::string("handler failed: ") + e.what());
      streamed = false;
    }
    if (observer) observer(request, response);
    if (!streamed) gzip_if_accepted(request, response);
    return streamed;
  }

  // Counts a new connection; true when it is over a limit.
  bool admit(const std::string& client, Connection* c, std::weak_ptr<Connection> weak) {
    std::lock_guard lock(mutex);
    live.emplace(c, std::move(weak));
    size_t from_client = ++per_client[client];
    return live.size() > options.max_connections ||
           (options.max_connections_per_client > 0 &&
            from_client > options.max_connections_per_client);
  }
  void leave(const std::string& client, Connection* c) {
    {
      std::lock_guard lock(mutex);
      live.erase(c);
      auto it = per_client.find(client);
      if (it != per_client.end() && --it->second == 0) per_client.erase(it);
    }
    drained.notify_all();
  }

  void accept();
  template <typename Stream>
  void serve(tcp::socket socket);
};

}  // namespace crmsync::net
