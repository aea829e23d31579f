#include "sandbox/siagh/siagh_sandbox.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "core/json.h"
#include "net/crypto.h"
#include "sandbox/common/jalali.h"
#include "sandbox/siagh/siagh_context.h"

namespace crmsync::sandbox::siagh {

namespace {
int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

net::HttpServerOptions server_options(const SiaghSandboxOptions& o) {
  net::HttpServerOptions s;
  s.threads = o.threads;
  return s;
}
}  // namespace

std::string siagh_password_hash(std::string_view password) {
  std::string hex = hex_lower(net::md5(password));
  std::transform(hex.begin(), hex.end(), hex.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return hex;
}

void answer_message(net::HttpResponse& response, int status, std::string_view message) {
  response.status = status;
  std::string body = "{\"Message\":";
  append_json_string(message, body);
  body += "}";
  response.body = std::move(body);
}

Context::Context(SiaghSandboxOptions o)
    : options(std::move(o)),
      store(options.clock ? options.clock : system_now),
      server(server_options(options)) {
  faults.set(options.faults);
}

int64_t Context::fiscal_year() const {
  if (options.fiscal_year > 0) return options.fiscal_year;
  return tehran_jalali_date(store.now()).year;
}

net::HttpServer::Handler Context::guarded(bool session, net::HttpServer::Handler handler) {
  return [this, session, handler = std::move(handler)](const net::HttpRequest& request,
                                                       net::HttpResponse& response) {
    if (auto fault = faults.next()) {
      if (*fault == 0) {
        response.reset_connection = true;
      } else {
        answer_message(response, *fault,
                       *fault == 429   ? "Too many requests."
                       : *fault == 500 ? "An error has occurred."
                                       : "Service Unavailable");
        if (*fault == 429) response.headers.emplace("Retry-After", "1");
      }
      return;
    }
    if (session) {
      std::string id = request.header("authorization").value_or("");
      auto state = id.empty() ? SiaghStore::SessionState::unknown
                              : store.touch_session(id, options.session_idle_secs);
      if (state == SiaghStore::SessionState::expired)
        return answer_message(response, 401, "SessionId expired");
      if (state != SiaghStore::SessionState::valid)
        return answer_message(response, 401, "Authorization has been denied for this request.");
    }
    handler(request, response);
  };
}

SiaghSandbox::SiaghSandbox(SiaghSandboxOptions options)
    : ctx_(std::make_unique<Context>(std::move(options))) {
  Context& ctx = *ctx_;
  if (ctx.options.seed_records > 0) seed_contacts(ctx.store, ctx.options.seed_records);
  register_admin_routes(ctx);
  register_api_routes(ctx);
  ctx.server.set_not_found([](const net::HttpRequest& request, net::HttpResponse& response) {
    answer_message(
        response, 404,
        "No HTTP resource was found that matches the request URI '" + request.path + "'.");
  });
  ctx.server.set_observer(
      [&ctx](const net::HttpRequest& request, const net::HttpResponse& response) {
        LoggedRequest entry;
        entry.at_ms = steady_ms();
        entry.method = request.method;
        entry.path = request.path;
        entry.endpoint = endpoint_of(request.method, request.path);
        entry.status = response.reset_connection ? 0 : response.status;
        // Never the SessionId itself: it is the credential.
        entry.client = request.header("authorization") ? "session" : "anonymous";
        ctx.log.add(std::move(entry));
      });
}

SiaghSandbox::~SiaghSandbox() {
  stop();
}

Status SiaghSandbox::start() {
  if (auto s = ctx_->server.listen(ctx_->options.host, ctx_->options.port); !s) return s;
  return ctx_->server.start();
}

void SiaghSandbox::stop() {
  ctx_->server.stop();
}

int SiaghSandbox::port() const {
  return ctx_->server.port();
}

std::string SiaghSandbox::base_url() const {
  return "http://" + ctx_->options.host + ":" + std::to_string(port());
}

}  // namespace crmsync::sandbox::siagh
