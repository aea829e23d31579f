#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "connectors/registry.h"
#include "core/result.h"

namespace crmsync {

// One authorization in flight: where the browser logs in, and what the
// code exchange needs back from it.
struct OAuthAuthorization {
  std::string url;            // the API's authorize page
  std::string redirect_uri;   // where the API sends the browser back (its callback URL)
  std::string state;          // random; the redirect must bring it back
  std::string code_verifier;  // PKCE (S256), where the API takes it
};

// The OAuth 2.0 web-server flow of a connection (issue 24 item 2): how
// `crmsync connect` and serve's dashboard both log a connection in, never
// through a connector's internals. The refresh token it yields is the
// connection's option `token_option()`, stored encrypted in the state store
// (engine/stored_secrets.h), where runs find it.
class OAuthWebFlow {
 public:
  virtual ~OAuthWebFlow() = default;
  // A fresh authorization (new random state and PKCE verifier).
  virtual OAuthAuthorization begin(const std::string& redirect_uri) = 0;
  // Exchanges the redirect's code: the refresh token (fatal when the API
  // issued none). Errors quote the API's error, never the code or a token.
  virtual Result<std::string> finish(const OAuthAuthorization& authorization,
                                     const std::string& code) = 0;
  // Revokes the refresh token at the API (disconnect).
  virtual Status revoke(const std::string& refresh_token) = 0;
  // The loopback port `crmsync connect` takes the redirect on.
  virtual int redirect_port() const = 0;
  // The connection option the refresh token stands for.
  virtual std::string token_option() const = 0;
};

// Whether `connection` logs in through the web-server flow (Salesforce or
// Pipedrive with auth: web_server), without creating anything.
bool uses_oauth_web_flow(const ConnectionConfig& connection);

// The flow of `connection`; a fatal error naming the connections that have
// one when it has none.
Result<std::unique_ptr<OAuthWebFlow>> make_oauth_web_flow(const ConnectionConfig& connection,
                                                          const ConnectorContext& context);

}  // namespace crmsync
