#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "core/result.h"
#include "net/http_message.h"

namespace crmsync::net {

struct HttpServerOptions {
  // Worker threads. cpp-httplib keeps a thread per open keep-alive
  // connection, so this bounds the number of concurrent clients served.
  size_t threads = 16;
  int keep_alive_timeout_secs = 5;
  size_t keep_alive_max_requests = 100000;
  size_t max_body_bytes = 64u << 20;
};

// A small HTTP/1.1 server over cpp-httplib, used by the sandboxes and the
// daemon. Routes are matched in registration order against the whole path
// (std::regex_match); the first match wins.
//
// Threads: register routes and hooks before start(); handlers then run on
// the server's worker threads, concurrently, and must be thread-safe.
class HttpServer {
 public:
  using Handler = std::function<void(const HttpRequest&, HttpResponse&)>;
  // Runs before routing. Returning a response answers the request with it
  // (auth failure, injected fault); nullopt lets routing go on.
  using PreRequestHook = std::function<std::optional<HttpResponse>(const HttpRequest&)>;
  // Sees every request with its final response (request logs, counters).
  using Observer = std::function<void(const HttpRequest&, const HttpResponse&)>;

  explicit HttpServer(HttpServerOptions options = {});
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // `method` is GET, POST, PUT, PATCH or DELETE; `pattern` an ECMAScript
  // regex for the whole path, its groups become HttpRequest::matches.
  void on(std::string_view method, const std::string& pattern, Handler handler);
  // Answers requests no route matched (default: 404 with a JSON body).
  void set_not_found(Handler handler);
  void set_pre_request_hook(PreRequestHook hook);
  void set_observer(Observer observer);

  // Binds `host`:`port`; port 0 picks a free port. Fatal error when the
  // address is taken or invalid.
  Status listen(const std::string& host, int port);
  int port() const { return port_; }
  // Serves on a background thread; requests queued since listen() are
  // then answered.
  Status start();
  // Stops accepting, closes connections and joins the threads. Idempotent.
  void stop();

 private:
  struct Impl;
  void dispatch(HttpRequest& request, HttpResponse& response) const;

  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  int port_ = 0;
  bool listening_ = false;
  std::atomic<bool> serving_done_ = false;
};

}  // namespace crmsync::net
