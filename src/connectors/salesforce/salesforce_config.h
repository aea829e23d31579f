#pragma once

#include <string>

#include "connectors/registry.h"

namespace crmsync {

// How the connection gets its access token (DESIGN.md S0, S2, S3). jwt signs
// an assertion with a private key; web_server uses the refresh token that
// `crmsync connect` stored (the engine hands it over as refresh_token).
enum class SalesforceAuth {
  password,
  refresh_token,
  client_credentials,
  access_token,
  jwt,
  web_server
};

struct SalesforceConfig {
  std::string connection;  // the connection's name, for retry log lines
  std::string login_url = "https://login.salesforce.com";
  std::string instance_url;  // known up front for access_token; else from the token answer
  std::string api_version = "60.0";
  SalesforceAuth auth = SalesforceAuth::password;
  std::string username;
  std::string password;  // with the security token appended, as Salesforce expects
  std::string client_id;
  std::string client_secret;
  std::string refresh_token;
  std::string access_token;
  std::string private_key_file;                           // auth: jwt (PEM, path resolved)
  std::string audience = "https://login.salesforce.com";  // auth: jwt
  int64_t redirect_port = 8400;                           // auth: web_server (crmsync connect)
  double max_daily_api_share = 1.0;                       // of Sforce-Limit-Info's M
  int64_t max_parallel_requests = 4;                      // collection chunks sent at once
  double timeout_secs = 60;
  int max_attempts = 5;  // sends per call in total (net::HttpSession rules)
  bool verify_tls = true;
  int64_t query_batch_size = 2000;       // Sforce-Query-Options: batchSize
  int64_t bulk_threshold = 10000;        // write calls this large use Bulk API 2.0; 0 = never
  int64_t bulk_query_threshold = 50000;  // reads this large use Bulk API 2.0; 0 = never
};

ComponentSpec salesforce_spec();
void register_salesforce_connector(ConnectorRegistry& registry);

}  // namespace crmsync
