#pragma once

#include <string>

#include "connectors/salesforce/salesforce_client.h"
#include "connectors/salesforce/salesforce_config.h"

namespace crmsync {

// The OAuth 2.0 web-server flow for auth: web_server, as `crmsync connect`
// runs it once per connection: send the user's browser to the authorize
// URL, take the code from the redirect, exchange it for tokens. The refresh
// token is then the connection's (stored encrypted by the caller).

struct SalesforceAuthorization {
  std::string url;            // where the browser logs in
  std::string redirect_uri;   // must equal the connected app's callback URL
  std::string state;          // random; the redirect must bring it back
  std::string code_verifier;  // PKCE (S256): proves the exchange comes from us
};

// A fresh authorization (new random state and PKCE verifier) for
// `redirect_uri` at the config's login_url.
SalesforceAuthorization salesforce_authorization(const SalesforceConfig& config,
                                                 const std::string& redirect_uri);

// Exchanges the redirect's `code` (grant_type=authorization_code with the
// client secret, redirect_uri and code_verifier). Fatal errors quote
// Salesforce's error and error_description (an expired or reused code is
// invalid_grant), never the code or a token.
Result<SalesforceToken> salesforce_exchange_code(const SalesforceConfig& config,
                                                 const SalesforceAuthorization& authorization,
                                                 const std::string& code);

}  // namespace crmsync
