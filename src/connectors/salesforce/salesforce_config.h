#pragma once

#include <string>

#include "connectors/registry.h"

namespace crmsync {

// How the connection gets its access token (DESIGN.md S0, S3).
enum class SalesforceAuth { password, refresh_token, client_credentials, access_token };

struct SalesforceConfig {
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
  double timeout_secs = 60;
  bool verify_tls = true;
  int64_t query_batch_size = 2000;       // Sforce-Query-Options: batchSize
  int64_t bulk_threshold = 10000;        // write calls this large use Bulk API 2.0; 0 = never
  int64_t bulk_query_threshold = 50000;  // reads this large use Bulk API 2.0; 0 = never
};

ComponentSpec salesforce_spec();
void register_salesforce_connector(ConnectorRegistry& registry);

}  // namespace crmsync
