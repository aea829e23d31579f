#pragma once

#include <mutex>
#include <string>

#include "net/http_server.h"
#include "sandbox/common/fault_injector.h"
#include "sandbox/common/rate_window.h"
#include "sandbox/common/request_log.h"
#include "sandbox/pipedrive/pipedrive_oauth.h"
#include "sandbox/pipedrive/pipedrive_sandbox.h"
#include "sandbox/pipedrive/pipedrive_store.h"
#include "sandbox/pipedrive/pipedrive_webhooks.h"

namespace crmsync::sandbox::pipedrive {

// What every route shares: state, limits, faults, the log. Owned by the
// PipedriveSandbox; routes hold a reference for the server's lifetime.
struct PipedriveSandbox::Context {
  explicit Context(PipedriveSandboxOptions o);

  PipedriveSandboxOptions options;
  PipedriveStore store;
  PipedriveWebhooks webhooks;
  OAuthTokens oauth;
  RollingWindow burst;
  RollingWindow search_burst;
  DailyBudget budget;
  FaultInjector faults;
  RequestLog log;
  net::HttpServer server;

  // The company's API token now (options.api_token until an admin
  // regenerates it: the old one is refused from then on). Thread-safe.
  std::string api_token() const;
  void set_api_token(std::string token);

  // Wraps an API handler with what the real service does before it: a
  // fault when one is due, the token check (401; the API token or a live
  // OAuth access token as Bearer), the burst window and the
  // daily budget (429), and the x-ratelimit-* headers on the answer.
  net::HttpServer::Handler guarded(int cost, bool search, net::HttpServer::Handler handler);

 private:
  mutable std::mutex token_mutex_;
  std::string api_token_;
};

using Context = PipedriveSandbox::Context;

using RouteFn = void (*)(Context&, const net::HttpRequest&, net::HttpResponse&);
inline net::HttpServer::Handler bind_route(Context& ctx, RouteFn fn) {
  return [&ctx, fn](const net::HttpRequest& req, net::HttpResponse& res) { fn(ctx, req, res); };
}

void register_v2_routes(Context& ctx);
void register_v1_routes(Context& ctx);
void register_field_routes(Context& ctx);
void register_search_routes(Context& ctx);
void register_admin_routes(Context& ctx);
void register_webhook_routes(Context& ctx);
void register_pipeline_routes(Context& ctx);
void register_oauth_routes(Context& ctx);

// `count` persons, organizations and deals from a fixed seed.
void seed_records(PipedriveStore& store, int count);

// The token a request carries (x-api-token header, api_token parameter or
// Bearer, in that order); empty when none.
std::string request_token(const net::HttpRequest& request);

}  // namespace crmsync::sandbox::pipedrive
