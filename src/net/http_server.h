#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "net/http_message.h"

namespace crmsync::net {

struct HttpServerOptions {
  // Handler threads. Handlers may block (a long poll holds one for its
  // whole wait); they never run on the I/O thread, so a slow handler delays
  // only requests waiting for a handler thread, never reading or writing.
  size_t threads = 16;
  // Threads reading and writing sockets (event-driven: each serves any
  // number of connections).
  size_t io_threads = 1;
  // Per connection: from a request's first byte to the end of its headers;
  // from the end of the headers to the end of the body; waiting for the
  // next request on a kept-alive connection (and for the first one). A
  // connection over its deadline gets 408 (if it was sending a request) and
  // is closed.
  int header_timeout_ms = 10'000;
  int body_timeout_ms = 60'000;
  int idle_timeout_ms = 60'000;
  // stop(): how long requests being handled may take to finish.
  int shutdown_timeout_ms = 5'000;
  size_t max_header_bytes = 64u << 10;  // request line and headers: 431 (414 for the line)
  size_t max_url_bytes = 16u << 10;     // request target: 414
  size_t max_body_bytes = 64u << 20;    // 413; a route may set its own
  // Open connections, in total and from one client address (0: no limit).
  // A connection over either gets 503 with Retry-After and is closed.
  size_t max_connections = 10'000;
  size_t max_connections_per_client = 0;
  int retry_after_secs = 1;
  // One line per answered request: method, path (query keys, no values),
  // status, microseconds from the request's headers to its answer. Null:
  // no access log. Called on an I/O thread: keep it short.
  std::function<void(std::string_view line)> access_log;
  // Both set: serve HTTPS only (PEM files; OpenSSL).
  std::string tls_cert_file;
  std::string tls_key_file;
};

// The body of a streamed answer (Server-Sent Events, a long download),
// written from any thread for as long as the writer likes.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Queues `data` as the next chunk; false once the client is gone or the
  // stream closed (stop writing then).
  virtual bool write(std::string data) = 0;
  // Ends the body; the connection closes after it. Idempotent.
  virtual void close() = 0;
};

struct RouteOptions {
  size_t max_body_bytes = 0;  // 0: the server's max_body_bytes
};

// The HTTP/1.1 server of the sandboxes, the OAuth redirect listener and the
// daemon: event-driven (Boost.Asio/Beast, kept inside http_server.cc), with
// keep-alive, chunked request bodies, streamed responses, per-connection
// deadlines and limits. Routes are matched in registration order against the
// whole path (RoutePattern, a small regex subset); the first match wins. Every
// answer the server makes itself (400, 404, 408, 413, 414, 431, 503) has a
// JSON body saying why.
//
// Threads: register routes and hooks before start(); handlers then run on
// the handler threads, concurrently, and must be thread-safe.
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

  // `method` is GET, POST, PUT, PATCH, DELETE or OPTIONS (HEAD is answered by
  // GET routes); `pattern` a RoutePattern for the whole path, its groups
  // become HttpRequest::matches. A pattern that does not compile makes
  // listen() fail.
  void on(std::string_view method, const std::string& pattern, Handler handler,
          RouteOptions route_options = {});
  // A streamed route: the handler sets the status and headers (the body
  // is ignored), and writes the body to `stream` now or later, from any
  // thread; the head goes out when the handler returns, chunked. A stream
  // never closed stays open (until the client leaves or stop()).
  using StreamHandler = std::function<void(const HttpRequest&, HttpResponse&,
                                           std::shared_ptr<ResponseStream> stream)>;
  void on_stream(std::string_view method, const std::string& pattern, StreamHandler handler,
                 RouteOptions route_options = {});
  // Answers requests no route matched (default: 404 with a JSON body).
  void set_not_found(Handler handler);
  void set_pre_request_hook(PreRequestHook hook);
  void set_observer(Observer observer);

  // Binds `host`:`port`; port 0 picks a free port. Fatal error when the
  // address is taken or invalid, a route pattern is bad, or TLS files do not load.
  Status listen(const std::string& host, int port);
  int port() const { return port_; }
  // Serves on background threads; connections made since listen() are then
  // answered.
  Status start();
  // Graceful: stops accepting, closes idle connections, lets requests being
  // handled finish and be answered within shutdown_timeout_ms, then closes
  // everything and joins the threads (a handler still running is waited
  // for). Idempotent.
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace crmsync::net
