#pragma once

#include <memory>
#include <string>

#include "net/http_server.h"
#include "service/control.h"
#include "service/dashboard_sessions.h"
#include "service/metrics.h"

namespace crmsync::service {

struct ApiOptions {
  std::string token;  // bearer token every /api/v1 request must carry
  // The dashboard's logins: a request with no Authorization header may
  // carry a live session's cookie instead (and its CSRF token when it
  // changes state: check_session). Null: the bearer token only.
  std::shared_ptr<DashboardSessions> sessions;
  // serve speaks HTTPS: the OAuth redirect URI it derives from Host is https.
  bool tls = false;
};

// Registers /api/v1/* (docs/api.md, docs/openapi.yaml), /healthz, /readyz
// and /metrics on `server`. /healthz, /readyz and /metrics need no token;
// everything under /api/v1 does. `control` and `metrics` outlive the server.
void register_api(net::HttpServer& server, ServiceControl& control, Metrics& metrics,
                  const ApiOptions& options);

// The API token: CRMSYNC_API_TOKEN when set; else the one in
// `<state dir>/api-token` (mode 0600), created with 32 random bytes on
// first start, when `created` is set true (the caller prints the path once).
Result<std::string> load_or_create_api_token(const std::string& state_path, bool& created);
// Where that file is: `<dir of state_path>/api-token`.
std::string api_token_path(const std::string& state_path);

}  // namespace crmsync::service
