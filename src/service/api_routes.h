#pragma once

#include <memory>

#include "net/http_server.h"
#include "service/api_auth.h"
#include "service/api_events.h"
#include "service/control.h"
#include "service/dashboard_sessions.h"
#include "service/metrics.h"

namespace crmsync::service {

// What the API's handlers share. Owned by the handlers registered on the
// server (shared_ptr), so it lives exactly as long as the routes: the
// server's destructor drops it, which stops the SSE publisher.
struct ApiContext {
  ApiContext(ServiceControl& c, Metrics& m, std::string token,
             std::shared_ptr<DashboardSessions> s = nullptr)
      : control(c), metrics(m), auth(std::move(token)), sessions(std::move(s)), events(c) {}
  ServiceControl& control;
  Metrics& metrics;
  BearerAuth auth;
  std::shared_ptr<DashboardSessions> sessions;  // null: bearer token only
  bool tls = false;                             // ApiOptions::tls
  ProgressPublisher events;
};

inline constexpr std::string_view kApiPrefix = "/api/v1";

// The answer refusing `request` (no or wrong token; a dead dashboard
// session or a missing CSRF token), or nullopt to let it through.
std::optional<net::HttpResponse> refuse_unauthorized(const ApiContext& api,
                                                     const net::HttpRequest& request);

// The run endpoints (api_runs.cc): GET/POST /runs, GET /runs/{id},
// POST /runs/{id}/cancel, POST /runs/{id}/retry, GET /runs/{id}/errors.
void list_runs(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response);
void get_run(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response);
void submit_run(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response);
void cancel_run(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response);
void retry_run(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response);
void list_run_errors(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response);
// GET /runs/{id}/events (api_run_events.cc): hands the stream to api.events.
void stream_run_events(ApiContext& api, const net::HttpRequest& request,
                       net::HttpResponse& response,
                       const std::shared_ptr<net::ResponseStream>& stream);
// GET /inbox (api_inbox.cc): the webhook inbox per flow, refused deliveries.
void get_inbox(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response);
// api_records.cc
void retry_error(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response);
void plan_run(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response);

}  // namespace crmsync::service
