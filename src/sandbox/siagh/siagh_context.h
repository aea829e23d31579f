#pragma once

#include "net/http_server.h"
#include "sandbox/common/fault_injector.h"
#include "sandbox/common/request_log.h"
#include "sandbox/siagh/siagh_sandbox.h"
#include "sandbox/siagh/siagh_store.h"

namespace crmsync::sandbox::siagh {

// What every route shares; owned by the SiaghSandbox.
struct SiaghSandbox::Context {
  explicit Context(SiaghSandboxOptions o);

  SiaghSandboxOptions options;
  SiaghStore store;
  FaultInjector faults;
  RequestLog log;
  net::HttpServer server;

  // The fiscal year now (options.fiscal_year, else the Jalali year).
  int64_t fiscal_year() const;

  // Wraps an API handler: an injected fault when one is due, then (when
  // `session` is set) the raw `Authorization: <SessionId>` check: 401
  // {"Message"} for none, a Bearer, a Token ("<id>:0") or an expired one.
  net::HttpServer::Handler guarded(bool session, net::HttpServer::Handler handler);
};

using Context = SiaghSandbox::Context;

using RouteFn = void (*)(Context&, const net::HttpRequest&, net::HttpResponse&);
inline net::HttpServer::Handler bind_route(Context& ctx, RouteFn fn) {
  return [&ctx, fn](const net::HttpRequest& req, net::HttpResponse& res) { fn(ctx, req, res); };
}

// Siagh's error body: {"Message": text} (ASP.NET Web API's shape).
void answer_message(net::HttpResponse& response, int status, std::string_view message);

void register_api_routes(Context& ctx);
void register_admin_routes(Context& ctx);

// `count` contacts from a fixed pattern: Persian names, unique phones,
// persons and organizations alternating.
void seed_contacts(SiaghStore& store, int count);

}  // namespace crmsync::sandbox::siagh
