#pragma once

#include <string>

#include "connectors/pipedrive/pipedrive_config.h"
#include "net/auth_provider.h"

namespace crmsync {

// OAuth access tokens for `auth: oauth`: a refresh_token grant against
// {oauth_url}/oauth/token with the app's client id and secret (HTTP basic).
// The connection's HttpSession calls login() at the first call and again
// when the API answers 401 (single-flight there). The answer's api_domain
// (the company's own host) becomes the API base. Pipedrive may rotate the
// refresh token; the newest is kept. Errors never carry the secret or the
// tokens.
class PipedriveOAuth final : public net::AuthProvider {
 public:
  explicit PipedriveOAuth(const PipedriveConfig& config);

  bool renewable() const override { return true; }
  Result<net::Credentials> login(net::HttpSession& session) override;
  void apply(const net::Credentials& credentials, net::HttpClientRequest& request) const override;

 private:
  const PipedriveConfig& config_;
  std::string refresh_token_;  // guarded by the session's login lock
};

}  // namespace crmsync
