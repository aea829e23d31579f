// make_oauth_web_flow (oauth_web_flow.h): the connectors that log in
// through the OAuth web-server flow.
#include "connectors/oauth_web_flow.h"

#include "connectors/pipedrive/pipedrive_connection.h"
#include "connectors/salesforce/salesforce_connection.h"
#include "connectors/salesforce/salesforce_oauth.h"
#include "core/base64.h"
#include "core/json.h"
#include "core/redact.h"
#include "net/crypto.h"
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

// Pipedrive's app installation flow (developers.pipedrive.com, "OAuth
// authorization"): no PKCE; the client id and secret go as HTTP basic auth
// to {oauth_url}/oauth/token, and a refresh token is revoked at
// {oauth_url}/oauth/revoke.
class PipedriveWebFlow final : public OAuthWebFlow {
 public:
  explicit PipedriveWebFlow(PipedriveConfig config) : config_(std::move(config)) {}

  OAuthAuthorization begin(const std::string& redirect_uri) override {
    OAuthAuthorization a;
    a.redirect_uri = redirect_uri;
    a.state = base64_encode(net::random_bytes(16), true);
    net::QueryBuilder q;
    q.add("client_id", config_.oauth_client_id)
        .add("redirect_uri", redirect_uri)
        .add("state", a.state);
    a.url = q.url(config_.oauth_url + "/oauth/authorize");
    return a;
  }

  Result<std::string> finish(const OAuthAuthorization& authorization,
                             const std::string& code) override {
    net::QueryBuilder form;
    form.add("grant_type", "authorization_code")
        .add("code", code)
        .add("redirect_uri", authorization.redirect_uri);
    std::string where = "pipedrive code exchange at " + config_.oauth_url;
    auto res = send("/oauth/token", form.query());
    if (!res) return res.error().with_context(where);
    auto v = parse_json(res->body);
    if (res->status != 200 || !v || !v->is_object()) {
      return Error(ErrorKind::auth,
                   where + ": HTTP " + std::to_string(res->status) + ": " + api_message(*res));
    }
    const Value* refresh = v->find("refresh_token");
    if (refresh == nullptr || !refresh->is_string() || refresh->as_string().empty())
      return Error(ErrorKind::fatal, where + ": Pipedrive issued no refresh token");
    if (const Value* access = v->find("access_token"); access && access->is_string())
      register_secret(access->as_string());
    register_secret(refresh->as_string());
    return refresh->as_string();
  }

  Status revoke(const std::string& refresh_token) override {
    net::QueryBuilder form;
    form.add("token", refresh_token).add("token_type_hint", "refresh_token");
    std::string where = "revoking the token at " + config_.oauth_url;
    auto res = send("/oauth/revoke", form.query());
    if (!res) return res.error().with_context(where);
    if (res->status != 200) {
      return Error(ErrorKind::fatal,
                   where + ": HTTP " + std::to_string(res->status) + ": " + api_message(*res));
    }
    return {};
  }

  int redirect_port() const override { return static_cast<int>(config_.redirect_port); }
  std::string token_option() const override { return "refresh_token"; }

 private:
  Result<net::HttpResponse> send(const std::string& path, std::string body) {
    net::HttpClientRequest req;
    req.method = "POST";
    req.url = config_.oauth_url + path;
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Accept", "application/json"},
                   {"Authorization", "Basic " + base64_encode(config_.oauth_client_id + ":" +
                                                              config_.oauth_client_secret)}};
    req.body = std::move(body);
    req.timeout_secs = config_.timeout_secs;
    req.verify_tls = config_.verify_tls;
    net::HttpClient http;
    return http.send(req);
  }

  // The API's own words for a refusal (its JSON message), never the body whole.
  static std::string api_message(const net::HttpResponse& res) {
    auto v = parse_json(res.body);
    if (v && v->is_object()) {
      for (const char* key : {"message", "error_description", "error"}) {
        const Value* m = v->find(key);
        if (m && m->is_string() && !m->as_string().empty()) return scrub(m->as_string());
      }
    }
    return scrub(res.body.substr(0, 200));
  }

  PipedriveConfig config_;
};

}  // namespace

bool uses_oauth_web_flow(const ConnectionConfig& connection) {
  const Value* auth = connection.options.get("auth");
  return (connection.type == "salesforce" || connection.type == "pipedrive") && auth &&
         auth->to_text() == "web_server";
}

Result<std::unique_ptr<OAuthWebFlow>> make_oauth_web_flow(const ConnectionConfig& connection,
                                                          const ConnectorContext& context) {
  if (!uses_oauth_web_flow(connection)) {
    return Error(ErrorKind::fatal, "connection '" + connection.name +
                                       "': only connections of type salesforce or pipedrive "
                                       "with auth: web_server log in through the browser (OAuth)");
  }
  auto conn = ConnectorRegistry::instance().create(connection, context);
  if (!conn) return conn.error().with_context("connection " + connection.name);
  if (auto* pd = dynamic_cast<PipedriveConnection*>(conn->get())) {
    return std::unique_ptr<OAuthWebFlow>(std::make_unique<PipedriveWebFlow>(pd->config()));
  }
  auto* sf = dynamic_cast<SalesforceConnection*>(conn->get());
  if (sf == nullptr)
    return Error(ErrorKind::fatal, "connection " + connection.name + ": not Salesforce");
  return std::unique_ptr<OAuthWebFlow>(std::make_unique<SalesforceWebFlow>(sf->config()));
}

}  // namespace crmsync
