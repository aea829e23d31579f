#include "connectors/salesforce/salesforce_auth.h"

#include <chrono>

#include "connectors/salesforce/salesforce_client.h"
#include "connectors/salesforce/salesforce_jwt.h"
#include "net/http_session.h"
#include "net/url.h"

namespace crmsync {

void SalesforceLogin::apply(const net::Credentials& credentials,
                            net::HttpClientRequest& request) const {
  request.headers.emplace("Authorization", "Bearer " + credentials.token);
}

Result<net::Credentials> SalesforceLogin::login(net::HttpSession& session) {
  net::QueryBuilder form;
  switch (config_.auth) {
    case SalesforceAuth::password:
      form.add("grant_type", "password")
          .add("client_id", config_.client_id)
          .add("client_secret", config_.client_secret)
          .add("username", config_.username)
          .add("password", config_.password);
      break;
    case SalesforceAuth::web_server:
      if (config_.refresh_token.empty()) {
        return Error(ErrorKind::fatal,
                     "salesforce: auth: web_server has no stored token yet; run `crmsync connect "
                     "CONNECTION` once (with CRMSYNC_SECRET_KEY set) to log in in a browser");
      }
      [[fallthrough]];
    case SalesforceAuth::refresh_token:
      form.add("grant_type", "refresh_token")
          .add("client_id", config_.client_id)
          .add("refresh_token", config_.refresh_token);
      if (!config_.client_secret.empty()) form.add("client_secret", config_.client_secret);
      break;
    case SalesforceAuth::client_credentials:
      form.add("grant_type", "client_credentials")
          .add("client_id", config_.client_id)
          .add("client_secret", config_.client_secret);
      break;
    case SalesforceAuth::jwt: {
      // The assertion's exp claim is checked against Salesforce's real
      // clock, so it is stamped with the system's, not the injected one.
      auto now = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
      auto assertion = salesforce_jwt_assertion(config_.client_id, config_.username,
                                                config_.audience, config_.private_key_file, now);
      if (!assertion) return assertion.error();
      form.add("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
          .add("assertion", *assertion);
      break;
    }
    case SalesforceAuth::access_token:
      if (!given_token_used_) {
        given_token_used_ = true;
        return net::Credentials{config_.access_token, config_.instance_url, 0, 0};
      }
      return Error(ErrorKind::fatal,
                   "salesforce: the access token was refused and cannot be renewed "
                   "(auth: access_token); give a new one or use another auth mode");
  }
  net::SessionRequest req;
  req.method = "POST";
  req.url = config_.login_url + "/services/oauth2/token";
  req.authenticated = false;
  req.idempotent = true;  // a token grant creates nothing a resend could double
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"}};
  req.body = form.query();
  const std::string what = "salesforce login at " + config_.login_url;
  auto res = session.send(req);
  if (!res) return res.error().with_context(what);
  auto token = parse_token_answer(*res);
  if (!token) return token.error().with_context(what);
  return net::Credentials{token->access_token, token->instance_url, 0, 0};
}

}  // namespace crmsync
