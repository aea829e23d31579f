#pragma once

#include <memory>
#include <string>

#include "connectors/rest/rest_config.h"
#include "net/auth_provider.h"

namespace crmsync {

// A REST connection's credentials as a net::AuthProvider: basic, bearer and
// API key (header or query parameter) are static; `session` logs in at
// login_path and reads the token at token_pointer; the OAuth2 grants
// (client_credentials, password) fetch a token at token_url, and use the
// refresh token the answer gave, falling back to a new grant when it is
// refused. The session (net::HttpSession) decides when: first use, expiry
// (session_ttl_secs, or a tenth before expires_in, at most a minute) and
// once on 401. Errors are auth for refused credentials and quote the API,
// never a secret.
class RestAuthProvider final : public net::AuthProvider {
 public:
  explicit RestAuthProvider(const RestConfig& config) : config_(config) {}

  bool renewable() const override;
  Result<net::Credentials> login(net::HttpSession& session) override;
  void apply(const net::Credentials& credentials, net::HttpClientRequest& request) const override;

  // The tokens issued so far, for scrubbing them from messages.
  const std::string& last_token() const { return token_; }
  const std::string& refresh_token() const { return refresh_token_; }

 private:
  Result<net::Credentials> session_login(net::HttpSession& session);
  Result<net::Credentials> oauth_token(net::HttpSession& session);

  const RestConfig& config_;
  std::string token_;          // guarded by the session's login lock
  std::string refresh_token_;  // likewise
};

// The API's own words in an error answer: at error_pointer when configured,
// else message, error_description, error, errors or detail, else the body.
std::string rest_api_message(const RestConfig& config, const std::string& body);

}  // namespace crmsync
