#pragma once

#include <mutex>
#include <set>
#include <string>

#include "net/http_server.h"
#include "sandbox/common/fault_injector.h"
#include "sandbox/common/request_log.h"
#include "sandbox/payamgostar/payamgostar_auth.h"
#include "sandbox/payamgostar/payamgostar_sandbox.h"
#include "sandbox/payamgostar/payamgostar_store.h"
#include "sandbox/payamgostar/payamgostar_webhooks.h"

namespace crmsync::sandbox::payamgostar {

// What every route shares; owned by the PayamgostarSandbox.
struct PayamgostarSandbox::Context {
  explicit Context(PayamgostarSandboxOptions o);

  PayamgostarSandboxOptions options;
  PgAuth auth;
  PayamgostarStore store;
  PgWebhooks webhooks;
  FaultInjector faults;
  RequestLog log;
  net::HttpServer server;

  bool licensed(const std::string& module) const;
  void set_licensed(const std::string& module, bool licensed);
  std::set<std::string> unlicensed() const;

  // Wraps an API handler: an injected fault when one is due; then, when
  // `module` is not empty, the Bearer token (401 when missing, unknown or
  // expired) and the module's licence (402).
  net::HttpServer::Handler guarded(std::string module, net::HttpServer::Handler handler);

 private:
  mutable std::mutex licence_mu_;
  std::set<std::string> unlicensed_;
};

using Context = PayamgostarSandbox::Context;

// {"error": .., "errorMessage": ..} with the error's status.
void answer_error(net::HttpResponse& response, const ApiError& error);
// The body as a JSON object; an empty body is {}. Null (and 400 answered)
// otherwise.
std::optional<Object> object_body(const net::HttpRequest& request, net::HttpResponse& response);

void register_auth_routes(Context& ctx);
void register_crm_routes(Context& ctx);
void register_admin_routes(Context& ctx);
void register_webhook_admin_routes(Context& ctx);

// `count` persons and organizations (alternating, Persian names) and three
// products (Product-1 .. Product-3, unit عدد).
void seed_records(PayamgostarStore& store, int count);

}  // namespace crmsync::sandbox::payamgostar
