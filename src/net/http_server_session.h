#pragma once

// One connection of the HttpServer (its deadlines, framing checks, handler
// hand-off and writes). Included by http_server.cc only, after
// http_server_impl.h.
#include "net/http_server_impl.h"

namespace crmsync::net {

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

}  // namespace crmsync::net
