#include "connectors/salesforce/salesforce_oauth.h"

#include "core/base64.h"
#include "net/crypto.h"
#include "net/http_client.h"
#include "net/url.h"

namespace crmsync {

SalesforceAuthorization salesforce_authorization(const SalesforceConfig& config,
                                                 const std::string& redirect_uri) {
  SalesforceAuthorization a;
  a.redirect_uri = redirect_uri;
  a.state = base64_encode(net::random_bytes(16), true);
  // RFC 7636: 32 random bytes give the 43-character verifier it recommends.
  a.code_verifier = base64_encode(net::random_bytes(32), true);
  net::QueryBuilder q;
  q.add("response_type", "code")
      .add("client_id", config.client_id)
      .add("redirect_uri", redirect_uri)
      .add("scope", "api refresh_token")
      .add("state", a.state)
      .add("code_challenge", base64_encode(net::sha256(a.code_verifier), true))
      .add("code_challenge_method", "S256");
  a.url = q.url(config.login_url + "/services/oauth2/authorize");
  return a;
}

Result<SalesforceToken> salesforce_exchange_code(const SalesforceConfig& config,
                                                 const SalesforceAuthorization& authorization,
                                                 const std::string& code) {
  net::QueryBuilder form;
  form.add("grant_type", "authorization_code")
      .add("code", code)
      .add("client_id", config.client_id)
      .add("client_secret", config.client_secret)
      .add("redirect_uri", authorization.redirect_uri)
      .add("code_verifier", authorization.code_verifier);
  net::HttpClientRequest req;
  req.method = "POST";
  req.url = config.login_url + "/services/oauth2/token";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"}};
  req.body = form.query();
  req.timeout_secs = config.timeout_secs;
  req.verify_tls = config.verify_tls;
  net::HttpClient http;
  std::string where = "salesforce code exchange at " + config.login_url;
  auto res = http.send(req);
  if (!res) return res.error().with_context(where);
  auto token = parse_token_answer(*res);
  if (!token) return token.error().with_context(where);
  return token;
}

}  // namespace crmsync
