#pragma once

#include <memory>
#include <string>

#include "net/http_server.h"
#include "service/dashboard_sessions.h"

namespace crmsync::service {

struct DashboardOptions {
  std::string token;  // the API token a login must present
  std::shared_ptr<DashboardSessions> sessions;
  bool secure_cookie = false;  // serve speaks TLS: the cookie gets Secure
};

// The dashboard (docs/dashboard.md) on `server`, beside the API (register
// it after register_api, whose routes come first):
// - the page at `/` and its deep links (`/history`, `/runs/42`, ...): the
//   one embedded index.html; without a live session a 303 to
//   `/login?next=<the page>`;
// - `/assets/*`: the embedded bundle, with ETag (304 on If-None-Match),
//   `Cache-Control: no-cache` and gzip when accepted;
// - `POST /login` {"token"}: the API token for a session cookie (HttpOnly,
//   SameSite=Strict, Secure on TLS) and {"csrf"}; `POST /logout` (CSRF);
//   `GET /session` {"csrf"} for a page reloaded in a live session.
// Every answer carries a Content-Security-Policy that allows only this
// origin's scripts and styles.
void register_dashboard(net::HttpServer& server, const DashboardOptions& options);

}  // namespace crmsync::service
