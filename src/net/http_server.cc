#include "net/http_server.h"

// Asio and Beast stay in this file (they are heavy to compile): callers see
// only HttpRequest/HttpResponse. Beast parses requests (its parser checks
// framing, chunk sizes and limits); responses are written by hand
// (http_wire), which keeps the templates instantiated here few.
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
#include "net/http_wire.h"
#include "net/route_pattern.h"
#include "net/worker_pool.h"

namespace crmsync::net {

namespace {
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
}  // namespace

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

namespace {

// One connection: waits for a request (idle deadline), reads its headers
// (header deadline) and body (body deadline), hands it to a handler thread,
// writes the answer, and goes round again while the connection is kept
// alive. All of it runs on the connection's strand.
template <typename S>
class Session : public Connection, public std::enable_shared_from_this<Session<S>> {
 public:
  static constexpr bool kTls = !std::is_same_v<S, beast::tcp_stream>;

  Session(HttpServer::Impl& server, S stream, std::string client)
      : server_(server), stream_(std::move(stream)), client_(std::move(client)) {}
  ~Session() override {
    if (stream_handle_) stream_handle_->closed();
    server_.leave(client_, this);
  }

  // From the acceptor: the rest runs on the connection's own strand.
  void start(bool over_limit) {
    asio::dispatch(stream_.get_executor(),
                   [self = this->shared_from_this(), over_limit] { self->begin(over_limit); });
  }

 private:
  void begin(bool over_limit) {
    over_limit_ = over_limit;
    if constexpr (kTls) {
      lowest().expires_after(ms(server_.options.header_timeout_ms));
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->close();
                                self->wait_request();
                              });
    } else {
      wait_request();
    }
  }

 public:
  void post_shutdown() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->shutdown(); });
  }
  void post_close() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close(); });
  }

  // A streamed body's writer; lives as long as the handler keeps it.
  class StreamHandle : public ResponseStream {
   public:
    explicit StreamHandle(std::weak_ptr<Session> session) : session_(std::move(session)) {}
    bool write(std::string data) override {
      if (data.empty()) return open_;
      return send(chunk(data), false);
    }
    void close() override { send(chunk(""), true); }
    void closed() { open_ = false; }

   private:
    bool send(std::string bytes, bool last) {
      if (!open_) return false;
      auto session = session_.lock();
      if (!session) return false;
      if (last) open_ = false;
      asio::post(session->stream_.get_executor(),
                 [session, bytes = std::move(bytes), last]() mutable {
                   session->queue(std::move(bytes), last);
                 });
      return true;
    }
    std::weak_ptr<Session> session_;
    std::atomic<bool> open_ = true;
  };

 private:
  enum class State { waiting, reading, handling, writing, streaming, closed };

  static std::chrono::milliseconds ms(int value) { return std::chrono::milliseconds(value); }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void wait_request() {
    state_ = State::waiting;
    if (server_.stopping) return close();
    if (buffer_.size() > 0) return read_header();
    // The idle deadline covers the wait for a request's first byte; the
    // header deadline starts with it.
    lowest().expires_after(ms(server_.options.idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec || self->state_ == State::closed) return self->close();
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    state_ = State::reading;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    // No limit while reading the headers: Beast would refuse a large
    // Content-Length there, before on_header knows the route's limit (and
    // could tell what was announced). Not boost::none: Boost 1.74 compares
    // the length with the optional itself, and every length beats none.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    lowest().expires_after(ms(server_.options.header_timeout_ms));
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return failed(ec);
    auto& message = parser_->get();
    started_ = Steady::now();
    request_ = HttpRequest{};
    request_.method = to_string(message.method_string());
    target_ = to_string(message.target());
    keep_alive_ = message.keep_alive();
    if (target_.size() > server_.options.max_url_bytes)
      return refuse(server_error(414, "request target longer than " +
                                          std::to_string(server_.options.max_url_bytes) +
                                          " bytes"));
    if (Status st = parse_target(target_, request_); !st)
      return refuse(server_error(400, st.error().message));
    for (const auto& field : message)
      request_.headers.emplace(to_string(field.name_string()), to_string(field.value()));
    beast::error_code ignored;
    auto remote = lowest().socket().remote_endpoint(ignored);
    request_.remote_addr = remote.address().to_string(ignored);
    request_.remote_port = remote.port();
    request_.local_port = lowest().socket().local_endpoint(ignored).port();
    if (over_limit_) {
      HttpResponse busy = server_error(503, "too many connections");
      busy.headers.emplace("Retry-After", std::to_string(server_.options.retry_after_secs));
      return refuse(std::move(busy));
    }
    // Every Transfer-Encoding field in the order sent (Beast's equal_range
    // is ordered by name, not by arrival).
    std::vector<std::string_view> codings;
    for (const auto& field : message)
      if (field.name() == http::field::transfer_encoding)
        codings.emplace_back(field.value().data(), field.value().size());
    if (auto refusal = check_request_framing(static_cast<int>(message.version()), codings,
                                             message.count(http::field::content_length) > 0))
      return refuse(server_error(refusal->status, refusal->message));
    route_ = server_.find_route(request_.method, request_.path, request_.matches);
    size_t limit = route_ && route_->options.max_body_bytes ? route_->options.max_body_bytes
                                                            : server_.options.max_body_bytes;
    if (auto length = parser_->content_length(); length && *length > limit)
      return refuse(server_error(413, announced_body_too_large(*length, limit)));
    body_limit_ = limit;
    parser_->body_limit(limit);
    if (parser_->is_done()) return dispatch();
    auto expect = message.find(http::field::expect);
    if (expect != message.end() && iequals(expect->value(), "100-continue")) {
      out_ = "HTTP/1.1 100 Continue\r\n\r\n";
      lowest().expires_after(ms(server_.options.body_timeout_ms));
      asio::async_write(stream_, asio::buffer(out_),
                        [self = this->shared_from_this()](beast::error_code ec, size_t) {
                          if (ec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    lowest().expires_after(ms(server_.options.body_timeout_ms));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->failed(ec);
                       self->dispatch();
                     });
  }

  // A request that could not be read: answer why when the connection can
  // still carry it, then close.
  void failed(beast::error_code ec) {
    if (ec == beast::error::timeout || ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
        ec == http::error::partial_message || state_ == State::closed)
      return close();  // nobody left to answer (a timed-out stream is closed)
    if (ec == http::error::header_limit) {
      // The request line alone over the limit is a target too long. The
      // parser keeps the target once it has read the whole line.
      if (parser_->get().target().empty())
        return refuse(server_error(414, "request line longer than " +
                                            std::to_string(server_.options.max_header_bytes) +
                                            " bytes"));
      return refuse(server_error(431, "request headers longer than " +
                                          std::to_string(server_.options.max_header_bytes) +
                                          " bytes"));
    }
    if (ec == http::error::body_limit)
      return refuse(server_error(413, body_too_large(body_limit_)));
    refuse(server_error(400, "malformed request: " + ec.message()));
  }

  void dispatch() {
    lowest().expires_never();
    request_.body = std::move(parser_->get().body());
    state_ = State::handling;
    if (route_ && route_->stream_handler)
      stream_handle_ = std::make_shared<StreamHandle>(this->weak_from_this());
    server_.pool->submit([self = this->shared_from_this()] {
      HttpResponse response;
      bool streamed =
          self->server_.handle(self->request_, self->route_, response, self->stream_handle_);
      asio::post(self->stream_.get_executor(),
                 [self, streamed, response = std::move(response)]() mutable {
                   self->respond(std::move(response), false, streamed);
                 });
    });
  }

  void log(int status) {
    if (!server_.options.access_log) return;
    auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - started_).count();
    server_.options.access_log(access_log_line(request_.method, target_, status, micros));
  }

  // The server's own answer to a request it will not serve; the connection
  // closes after it.
  void refuse(HttpResponse response) {
    if (request_.method.empty()) request_.method = "-";
    keep_alive_ = false;
    started_ = Steady::now();
    respond(std::move(response), true);
  }

  void respond(HttpResponse response, bool refused = false, bool streamed = false) {
    if (state_ == State::closed) return;
    log(response.status);
    if (response.reset_connection) return reset();
    if (streamed) return start_stream(response);
    if (stream_handle_) stream_handle_->closed();  // the hook answered instead
    bool close_after = !keep_alive_ || server_.stopping;
    bool head = request_.method == "HEAD";
    out_ = response_head(response, response.body.size(), false, close_after);
    if (!head) out_ += response.body;
    state_ = State::writing;
    lowest().expires_after(ms(server_.options.body_timeout_ms));
    asio::async_write(
        stream_, asio::buffer(out_),
        [self = this->shared_from_this(), close_after, refused](beast::error_code ec, size_t) {
          if (ec) return self->close();
          if (refused) return self->drain_and_close();
          if (close_after) return self->close();
          self->wait_request();
        });
  }

  // After refusing a request whose rest may still be arriving: closing at
  // once would reset the connection and could destroy the answer in the
  // client's buffer. Stop sending, read and drop for a moment, then close.
  void drain_and_close() {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(std::chrono::seconds(1));
    lowest().async_read_some(asio::buffer(scratch_),
                             [self = this->shared_from_this()](beast::error_code ec, size_t) {
                               if (ec) return self->close();
                               self->drain_and_close();
                             });
  }

  // Chunks written while the handler ran wait in pending_, behind the head.
  void start_stream(const HttpResponse& response) {
    state_ = State::streaming;
    lowest().expires_never();
    pending_.push_front(response_head(response, 0, true, true));
    if (!writing_) write_next();
    // Reading on keeps the session alive and sees the client leave.
    lowest().async_read_some(asio::buffer(scratch_),
                             [self = this->shared_from_this()](beast::error_code ec, size_t) {
                               if (ec) self->close();
                             });
  }

  void queue(std::string bytes, bool last) {
    if (state_ != State::streaming && state_ != State::handling) return;
    pending_.push_back(std::move(bytes));
    last_queued_ = last_queued_ || last;
    if (state_ == State::streaming && !writing_) write_next();
  }

  void write_next() {
    if (pending_.empty()) {
      writing_ = false;
      if (last_queued_) close();
      return;
    }
    writing_ = true;
    out_ = std::move(pending_.front());
    pending_.pop_front();
    asio::async_write(stream_, asio::buffer(out_),
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->close();
                        self->write_next();
                      });
  }

  void shutdown() {
    switch (state_) {
      case State::waiting:
      case State::reading:
        return close();
      case State::streaming:
        if (stream_handle_) stream_handle_->close();
        return;
      default:
        keep_alive_ = false;  // answered, then closed
    }
  }

  // Fault injection: the client sees a reset (RST), not an answer.
  void reset() {
    beast::error_code ignored;
    lowest().socket().set_option(asio::socket_base::linger(true, 0), ignored);
    lowest().socket().close(ignored);
    state_ = State::closed;
  }

  void close() {
    if (state_ == State::closed) return;
    state_ = State::closed;
    if (stream_handle_) stream_handle_->closed();
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().socket().close(ignored);
  }

  HttpServer::Impl& server_;
  S stream_;
  std::string client_;
  bool over_limit_ = false;
  State state_ = State::waiting;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  std::string target_;
  const Route* route_ = nullptr;
  size_t body_limit_ = 0;
  bool keep_alive_ = true;
  Steady::time_point started_;
  std::string out_;
  std::array<char, 1024> scratch_;
  std::shared_ptr<StreamHandle> stream_handle_;
  std::deque<std::string> pending_;
  bool writing_ = false;
  bool last_queued_ = false;
};

}  // namespace

template <typename Stream>
void HttpServer::Impl::serve(tcp::socket socket) {
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  std::string client = socket.remote_endpoint(ignored).address().to_string(ignored);
  std::shared_ptr<Session<Stream>> session;
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    session = std::make_shared<Session<Stream>>(*this, Stream(std::move(socket)), client);
  } else {
    session = std::make_shared<Session<Stream>>(*this, Stream(std::move(socket), *tls), client);
  }
  bool over = admit(client, session.get(), session);
  session->start(over);
}

void HttpServer::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors (EMFILE) or the like: try again shortly instead
      // of spinning on an error that persists.
      accept_retry.expires_after(std::chrono::milliseconds(50));
      accept_retry.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec) accept();
      });
      return;
    }
    if (tls)
      serve<beast::ssl_stream<beast::tcp_stream>>(std::move(socket));
    else
      serve<beast::tcp_stream>(std::move(socket));
    accept();
  });
}

HttpServer::HttpServer(HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::on(std::string_view method, const std::string& pattern, Handler handler,
                    RouteOptions route_options) {
  auto compiled = RoutePattern::compile(pattern);
  if (!compiled) {
    impl_->route_errors.push_back(compiled.error());
    return;
  }
  impl_->routes.push_back(
      {std::string(method), std::move(*compiled), std::move(handler), nullptr, route_options});
}

void HttpServer::on_stream(std::string_view method, const std::string& pattern,
                           StreamHandler handler, RouteOptions route_options) {
  auto compiled = RoutePattern::compile(pattern);
  if (!compiled) {
    impl_->route_errors.push_back(compiled.error());
    return;
  }
  impl_->routes.push_back(
      {std::string(method), std::move(*compiled), nullptr, std::move(handler), route_options});
}

void HttpServer::set_not_found(Handler handler) {
  impl_->not_found = std::move(handler);
}
void HttpServer::set_pre_request_hook(PreRequestHook hook) {
  impl_->pre_request_hook = std::move(hook);
}
void HttpServer::set_observer(Observer observer) {
  impl_->observer = std::move(observer);
}

Status HttpServer::listen(const std::string& host, int port) {
  Impl& s = *impl_;
  if (s.listening) return Error(ErrorKind::fatal, "http server: already listening");
  if (!s.route_errors.empty()) return s.route_errors.front();
  if (!s.options.tls_cert_file.empty() || !s.options.tls_key_file.empty()) {
    try {
      s.tls.emplace(asio::ssl::context::tls_server);
      s.tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1);
      s.tls->use_certificate_chain_file(s.options.tls_cert_file);
      s.tls->use_private_key_file(s.options.tls_key_file, asio::ssl::context::pem);
    } catch (const std::exception& e) {
      s.tls.reset();
      return Error(ErrorKind::fatal, "http server: cannot load TLS certificate " +
                                         s.options.tls_cert_file + " or key " +
                                         s.options.tls_key_file + ": " + e.what());
    }
  }
  std::string where = host + ":" + std::to_string(port);
  beast::error_code ec;
  tcp::resolver resolver(s.ioc);
  auto endpoints = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || endpoints.empty())
    return Error(ErrorKind::fatal, "http server: cannot resolve " + where + ": " + ec.message());
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    s.acceptor.close(ignored);
    return Error(ErrorKind::fatal, "http server: cannot bind " + where +
                                       " (address in use or not available): " + ec.message());
  }
  port_ = s.acceptor.local_endpoint(ec).port();
  s.listening = true;
  return Status::ok_status();
}

Status HttpServer::start() {
  Impl& s = *impl_;
  if (!s.listening) return Error(ErrorKind::fatal, "http server: start() before listen()");
  if (s.started) return Status::ok_status();
  s.started = true;
  s.pool = std::make_unique<WorkerPool>(s.options.threads);
  s.work.emplace(s.ioc.get_executor());
  asio::post(s.acceptor.get_executor(), [&s] { s.accept(); });
  size_t io_threads = s.options.io_threads == 0 ? 1 : s.options.io_threads;
  for (size_t i = 0; i < io_threads; ++i) s.io_threads.emplace_back([&s] { s.ioc.run(); });
  return Status::ok_status();
}

void HttpServer::stop() {
  Impl& s = *impl_;
  if (!s.listening) return;
  s.listening = false;
  s.stopping = true;
  asio::post(s.acceptor.get_executor(), [&s] {
    beast::error_code ignored;
    s.acceptor.close(ignored);
    s.accept_retry.cancel();
  });
  if (!s.started) {
    s.ioc.run();  // runs the close posted above
    return;
  }
  auto wait_drained = [&s](std::chrono::milliseconds within) {
    std::unique_lock lock(s.mutex);
    s.drained.wait_for(lock, within, [&s] { return s.live.empty(); });
  };
  auto each_connection = [&s](auto action) {
    std::vector<std::shared_ptr<Connection>> connections;
    {
      std::lock_guard lock(s.mutex);
      for (auto& [raw, weak] : s.live)
        if (auto c = weak.lock()) connections.push_back(std::move(c));
    }
    for (auto& c : connections) action(*c);
  };
  each_connection([](Connection& c) { c.post_shutdown(); });
  wait_drained(std::chrono::milliseconds(s.options.shutdown_timeout_ms));
  each_connection([](Connection& c) { c.post_close(); });
  wait_drained(std::chrono::milliseconds(500));
  s.work.reset();
  s.ioc.stop();
  for (auto& t : s.io_threads) t.join();
  s.io_threads.clear();
  // Handlers still running finish here; their answers go nowhere.
  s.pool->stop();
}

}  // namespace crmsync::net
