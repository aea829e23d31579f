#include "sandbox/payamgostar/payamgostar_sandbox.h"

#include <chrono>

#include "core/json.h"
#include "sandbox/payamgostar/payamgostar_context.h"

namespace crmsync::sandbox::payamgostar {

namespace {
int64_t system_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

net::HttpServerOptions server_options(const PayamgostarSandboxOptions& o) {
  net::HttpServerOptions s;
  s.threads = o.threads;
  return s;
}

std::function<int64_t()> clock_of(const PayamgostarSandboxOptions& o) {
  return o.clock_ms ? o.clock_ms : system_ms;
}
}  // namespace

void answer_error(net::HttpResponse& response, const ApiError& error) {
  response.status = error.status;
  response.body =
      to_json(Value(Object{{"error", Value(error.error)}, {"errorMessage", Value(error.message)}}));
}

std::optional<Object> object_body(const net::HttpRequest& req, net::HttpResponse& res) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) return Object{};
  auto parsed = parse_json(req.body);
  if (!parsed.ok() || !parsed->is_object()) {
    answer_error(res, ApiError{400, "InvalidRequest", "the body must be a JSON object"});
    return std::nullopt;
  }
  return parsed->as_object();
}

Context::Context(PayamgostarSandboxOptions o)
    : options(std::move(o)),
      auth(clock_of(options), options.token_ttl_secs, options.lockout_after, options.lockout_secs),
      store(clock_of(options), TypeNames{options.person_type_name, options.organization_type_name,
                                         options.quote_type_name}),
      webhooks(store.names()),
      server(server_options(options)),
      unlicensed_(options.unlicensed) {
  faults.set(options.faults);
  webhooks.dispatcher().set_controls(options.webhook_delivery);
}

bool Context::licensed(const std::string& module) const {
  std::lock_guard lock(licence_mu_);
  return !unlicensed_.count(module);
}

void Context::set_licensed(const std::string& module, bool licensed) {
  std::lock_guard lock(licence_mu_);
  if (licensed)
    unlicensed_.erase(module);
  else
    unlicensed_.insert(module);
}

std::set<std::string> Context::unlicensed() const {
  std::lock_guard lock(licence_mu_);
  return unlicensed_;
}

net::HttpServer::Handler Context::guarded(std::string module, net::HttpServer::Handler handler) {
  return [this, module = std::move(module), handler = std::move(handler)](
             const net::HttpRequest& request, net::HttpResponse& response) {
    if (auto fault = faults.next()) {
      if (*fault == 0) {
        response.reset_connection = true;
      } else {
        answer_error(response, ApiError{*fault, *fault == 429 ? "TooManyRequests" : "ServerError",
                                        *fault == 429 ? "Too many requests"
                                                      : "Service temporarily unavailable"});
        if (*fault == 429) response.headers.emplace("Retry-After", "1");
      }
      return;
    }
    if (!module.empty()) {
      std::string auth_header = request.header("authorization").value_or("");
      std::string token = auth_header.rfind("Bearer ", 0) == 0 ? auth_header.substr(7) : "";
      auto state = token.empty() ? PgAuth::Token::unknown : auth.check(token);
      if (state != PgAuth::Token::valid) {
        response.headers.emplace("WWW-Authenticate",
                                 state == PgAuth::Token::expired
                                     ? "Bearer error=\"invalid_token\", error_description=\"The "
                                       "token expired\""
                                     : "Bearer");
        return answer_error(response, ApiError{401, "Unauthorized",
                                               state == PgAuth::Token::expired ? "The token expired"
                                                                               : "Unauthorized"});
      }
      if (!licensed(module))
        return answer_error(response,
                            ApiError{402, "ModuleNotAvailable", module + " module not available"});
    }
    handler(request, response);
  };
}

PayamgostarSandbox::PayamgostarSandbox(PayamgostarSandboxOptions options)
    : ctx_(std::make_unique<Context>(std::move(options))) {
  Context& ctx = *ctx_;
  if (ctx.options.seed_records > 0) seed_records(ctx.store, ctx.options.seed_records);
  ctx.store.set_observer([&ctx](const CrmRecord& record, const std::string& event) {
    ctx.webhooks.on_change(record, event);
  });
  register_admin_routes(ctx);
  register_webhook_admin_routes(ctx);
  register_auth_routes(ctx);
  register_crm_routes(ctx);
  ctx.server.set_not_found([](const net::HttpRequest&, net::HttpResponse& response) {
    answer_error(response, ApiError{404, "NotFound", "no such route"});
  });
  ctx.server.set_observer(
      [&ctx](const net::HttpRequest& request, const net::HttpResponse& response) {
        LoggedRequest entry;
        entry.at_ms = steady_ms();
        entry.method = request.method;
        entry.path = request.path;
        entry.endpoint = endpoint_of(request.method, request.path);
        entry.status = response.reset_connection ? 0 : response.status;
        entry.client = request.header("authorization") ? "bearer" : "anonymous";
        ctx.log.add(std::move(entry));
      });
}

PayamgostarSandbox::~PayamgostarSandbox() {
  stop();
}

Status PayamgostarSandbox::start() {
  if (auto s = ctx_->server.listen(ctx_->options.host, ctx_->options.port); !s) return s;
  return ctx_->server.start();
}

void PayamgostarSandbox::stop() {
  ctx_->server.stop();
  ctx_->webhooks.dispatcher().stop();
}

Status PayamgostarSandbox::add_webhook(std::string_view json) {
  auto hook = ctx_->webhooks.add(json);
  if (!hook.ok()) return hook.error();
  return {};
}

int PayamgostarSandbox::port() const {
  return ctx_->server.port();
}

std::string PayamgostarSandbox::base_url() const {
  return "http://" + ctx_->options.host + ":" + std::to_string(port());
}

}  // namespace crmsync::sandbox::payamgostar
