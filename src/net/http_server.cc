#include "net/http_server.h"

// Asio and Beast stay in this file and its two private headers,
// http_server_impl.h and http_server_session.h (they are heavy to
// compile, so one translation unit instantiates them): callers see
// only HttpRequest/HttpResponse. Beast parses requests (its parser checks
// framing, chunk sizes and limits); responses are written by hand
// (http_wire), which keeps the templates instantiated here few.
#include "net/http_server_session.h"

namespace crmsync::net {

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
