#include "sandbox/pipedrive/pipedrive_sandbox.h"

#include <chrono>

#include "sandbox/pipedrive/pipedrive_context.h"
#include "sandbox/pipedrive/pipedrive_envelope.h"

namespace crmsync::sandbox::pipedrive {

namespace {
constexpr int64_t kBurstWindowMs = 2000;

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

net::HttpServerOptions server_options(const PipedriveSandboxOptions& o) {
  net::HttpServerOptions s;
  s.threads = o.threads;
  return s;
}
}  // namespace

std::string request_token(const net::HttpRequest& request) {
  if (auto header = request.header("x-api-token")) return *header;
  if (auto param = request.query_param("api_token")) return *param;
  if (auto auth = request.header("authorization"); auth && auth->rfind("Bearer ", 0) == 0)
    return auth->substr(7);
  return "";
}

Context::Context(PipedriveSandboxOptions o)
    : options(std::move(o)),
      store(options.clock ? options.clock : system_now, options.pipelines),
      webhooks(store, options.webhook_time_scale),
      oauth([this] { return store.now(); }),
      burst(options.burst_limit, kBurstWindowMs),
      search_burst(options.search_burst_limit, kBurstWindowMs),
      budget(options.daily_budget),
      server(server_options(options)),
      api_token_(options.api_token) {
  faults.set(options.faults);
  webhooks.set_controls(options.webhook_delivery);
}

std::string Context::api_token() const {
  std::lock_guard lock(token_mutex_);
  return api_token_;
}

void Context::set_api_token(std::string token) {
  std::lock_guard lock(token_mutex_);
  api_token_ = std::move(token);
}

net::HttpServer::Handler Context::guarded(int cost, bool search, net::HttpServer::Handler handler) {
  return [this, cost, search, handler = std::move(handler)](const net::HttpRequest& request,
                                                            net::HttpResponse& response) {
    if (auto fault = faults.next()) {
      if (*fault == 0) {
        response.reset_connection = true;
      } else {
        answer_error(response, *fault,
                     *fault == 429 ? "Request over limit" : "Service temporarily unavailable");
        if (*fault == 429) response.headers.emplace("Retry-After", "1");
      }
      return;
    }
    std::string token = request_token(request);
    if (token != api_token()) {
      auto auth = request.header("authorization");
      bool bearer = auth && auth->rfind("Bearer ", 0) == 0 && auth->substr(7) == token;
      auto state = bearer ? oauth.check(token) : OAuthTokens::Check::unknown;
      if (state != OAuthTokens::Check::valid) {
        answer_unauthorized(response);
        if (state == OAuthTokens::Check::expired)
          response.body =
              R"({"success":false,"error":"Invalid token: access token has expired","errorCode":401})";
        else if (bearer)
          response.body =
              R"({"success":false,"error":"Invalid token: access token is invalid","errorCode":401})";
        return;
      }
    }
    int64_t now_ms = steady_ms();
    RateDecision decision = (search ? search_burst : burst).take(token, now_ms);
    int64_t day = store.now() / 86400;
    bool within_budget = decision.allowed && budget.spend(token, cost, day);
    if (decision.limit > 0) {
      response.headers.emplace("x-ratelimit-limit", std::to_string(decision.limit));
      response.headers.emplace("x-ratelimit-remaining", std::to_string(decision.remaining));
      response.headers.emplace("x-ratelimit-reset", std::to_string(decision.reset_secs));
    }
    // Unlimited (budget 0): no header, rather than "0 left".
    bool writes = request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
    if (writes && budget.limited())
      response.headers.emplace("x-daily-requests-left", std::to_string(budget.left(token, day)));
    if (!decision.allowed || !within_budget) {
      log.count_refusal(!decision.allowed ? (search ? "search burst" : "burst") : "daily");
      answer_error(response, 429,
                   decision.allowed ? "Daily API token budget exceeded" : "Request over limit");
      response.headers.emplace("Retry-After",
                               std::to_string(decision.allowed ? 3600 : decision.reset_secs));
      return;
    }
    handler(request, response);
  };
}

PipedriveSandbox::PipedriveSandbox(PipedriveSandboxOptions options)
    : ctx_(std::make_unique<Context>(std::move(options))) {
  Context& ctx = *ctx_;
  if (ctx.options.seed_records > 0) seed_records(ctx.store, ctx.options.seed_records);
  ctx.store.set_change_observer(
      [&ctx](Entity entity, ChangeAction action, const StoredRecord* before,
             const StoredRecord& after) { ctx.webhooks.on_change(entity, action, before, after); });
  register_admin_routes(ctx);
  register_webhook_routes(ctx);
  register_search_routes(ctx);
  register_field_routes(ctx);
  register_v2_routes(ctx);
  register_v1_routes(ctx);
  register_pipeline_routes(ctx);
  register_oauth_routes(ctx);
  ctx.server.set_not_found([](const net::HttpRequest&, net::HttpResponse& response) {
    answer_error(response, 404, "Unknown method .");
  });
  ctx.server.set_observer(
      [&ctx](const net::HttpRequest& request, const net::HttpResponse& response) {
        LoggedRequest entry;
        entry.at_ms = steady_ms();
        entry.method = request.method;
        entry.path = request.path;
        entry.endpoint = endpoint_of(request.method, request.path);
        entry.status = response.reset_connection ? 0 : response.status;
        std::string token = request_token(request);
        entry.client = token.empty()                                           ? "anonymous"
                       : token == ctx.api_token()                              ? "api_token"
                       : ctx.oauth.check(token) != OAuthTokens::Check::unknown ? "oauth"
                                                                               : "unknown_token";
        ctx.log.add(std::move(entry));
      });
}

PipedriveSandbox::~PipedriveSandbox() {
  stop();
}

Status PipedriveSandbox::start() {
  if (auto s = ctx_->server.listen(ctx_->options.host, ctx_->options.port); !s) return s;
  return ctx_->server.start();
}

void PipedriveSandbox::stop() {
  ctx_->server.stop();
}
int PipedriveSandbox::port() const {
  return ctx_->server.port();
}
std::string PipedriveSandbox::base_url() const {
  return "http://" + ctx_->options.host + ":" + std::to_string(port());
}

}  // namespace crmsync::sandbox::pipedrive
