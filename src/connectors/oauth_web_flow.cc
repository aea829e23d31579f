// make_oauth_web_flow (oauth_web_flow.h): the connectors that log in
// through the OAuth web-server flow.
#include "connectors/oauth_web_flow.h"

#include "connectors/salesforce/salesforce_connection.h"
#include "connectors/salesforce/salesforce_oauth.h"
#include "net/http_client.h"
#include "net/url.h"

namespace crmsync {
namespace {

class SalesforceWebFlow final : public OAuthWebFlow {
 public:
  explicit SalesforceWebFlow(SalesforceConfig config) : config_(std::move(config)) {}

  OAuthAuthorization begin(const std::string& redirect_uri) override {
    SalesforceAuthorization a = salesforce_authorization(config_, redirect_uri);
    return {a.url, a.redirect_uri, a.state, a.code_verifier};
  }

  Result<std::string> finish(const OAuthAuthorization& authorization,
                             const std::string& code) override {
    SalesforceAuthorization a{authorization.url, authorization.redirect_uri, authorization.state,
                              authorization.code_verifier};
    auto token = salesforce_exchange_code(config_, a, code);
    if (!token) return token.error();
    if (token->refresh_token.empty()) {
      return Error(ErrorKind::fatal,
                   "Salesforce issued no refresh token: give the connected app the "
                   "refresh_token (offline access) scope");
    }
    return token->refresh_token;
  }

  Status revoke(const std::string& refresh_token) override {
    net::QueryBuilder form;
    form.add("token", refresh_token);
    net::HttpClientRequest req;
    req.method = "POST";
    req.url = config_.login_url + "/services/oauth2/revoke";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    req.body = form.query();
    req.timeout_secs = config_.timeout_secs;
    req.verify_tls = config_.verify_tls;
    net::HttpClient http;
    auto res = http.send(req);
    std::string where = "revoking the token at " + config_.login_url;
    if (!res) return res.error().with_context(where);
    if (res->status != 200) {
      return Error(ErrorKind::fatal, where + ": HTTP " + std::to_string(res->status));
    }
    return {};
  }

  int redirect_port() const override { return static_cast<int>(config_.redirect_port); }
  std::string token_option() const override { return "refresh_token"; }

 private:
  SalesforceConfig config_;
};

}  // namespace

bool uses_oauth_web_flow(const ConnectionConfig& connection) {
  const Value* auth = connection.options.get("auth");
  return connection.type == "salesforce" && auth && auth->to_text() == "web_server";
}

Result<std::unique_ptr<OAuthWebFlow>> make_oauth_web_flow(const ConnectionConfig& connection,
                                                          const ConnectorContext& context) {
  if (!uses_oauth_web_flow(connection)) {
    return Error(ErrorKind::fatal, "connection '" + connection.name +
                                       "': only connections of type salesforce with auth: "
                                       "web_server log in through the browser (OAuth)");
  }
  auto conn = ConnectorRegistry::instance().create(connection, context);
  if (!conn) return conn.error().with_context("connection " + connection.name);
  auto* sf = dynamic_cast<SalesforceConnection*>(conn->get());
  if (sf == nullptr)
    return Error(ErrorKind::fatal, "connection " + connection.name + ": not Salesforce");
  return std::unique_ptr<OAuthWebFlow>(std::make_unique<SalesforceWebFlow>(sf->config()));
}

}  // namespace crmsync
