#pragma once

#include <string>

#include "connectors/registry.h"

namespace crmsync {

struct PipedriveConfig {
  std::string connection;                              // the connection's name, for retry log lines
  std::string base_url = "https://api.pipedrive.com";  // v1 at /v1, v2 at /api/v2
  std::string api_token;
  std::string auth = "api_token";  // or "oauth"
  std::string oauth_url = "https://oauth.pipedrive.com";
  std::string oauth_client_id;
  std::string oauth_client_secret;
  std::string oauth_refresh_token;
  int64_t redirect_port = 8401;  // auth: web_server, `crmsync connect`'s loopback port
  double timeout_secs = 30;
  bool verify_tls = true;
  int64_t burst_limit = 40;         // requests per rolling 2 s (Growth plan, API token)
  int64_t search_burst_limit = 10;  // search requests per rolling 2 s
  // Set in the config: a cap the server's advertised limit cannot raise
  // (headroom for other integrations on the same token).
  bool burst_limit_given = false;
  bool search_burst_limit_given = false;
  int64_t page_size = 500;
  int max_attempts = 5;              // sends per call in total (net::HttpSession rules)
  double max_daily_api_share = 1.0;  // 0 < x <= 1 of the daily token budget
  int64_t daily_token_budget = 0;    // 0: what x-daily-requests-left says is left
};

ComponentSpec pipedrive_spec();
void register_pipedrive_connector(ConnectorRegistry& registry);

}  // namespace crmsync
