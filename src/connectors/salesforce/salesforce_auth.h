#pragma once

#include "connectors/salesforce/salesforce_config.h"
#include "net/auth_provider.h"

namespace crmsync {

// A Salesforce connection's login as a net::AuthProvider: the token
// endpoint at login_url with the configured grant (password, JWT bearer,
// refresh_token / web_server, client_credentials); the answer's
// instance_url becomes the API base. With auth: access_token the given
// token is used as is, and a renewal (after a 401) is a fatal error.
// Messages never hold a secret or a token.
class SalesforceLogin final : public net::AuthProvider {
 public:
  explicit SalesforceLogin(const SalesforceConfig& config) : config_(config) {}

  bool renewable() const override { return true; }
  Result<net::Credentials> login(net::HttpSession& session) override;
  void apply(const net::Credentials& credentials, net::HttpClientRequest& request) const override;

 private:
  const SalesforceConfig& config_;
  bool given_token_used_ = false;  // auth: access_token; guarded by the login lock
};

}  // namespace crmsync
