// `auth: oauth` against the sandbox's OAuth server: a token at the first
// call, the api_domain as the base, a renewal when the access token has
// expired (single refresh, one retry), and errors that carry no secret.
#include <atomic>
#include <thread>

#include "connector_fixture.h"
#include "connectors/oauth_web_flow.h"
#include "connectors/pipedrive/pipedrive_oauth.h"
#include "net/http_session.h"
#include "net/url.h"

namespace crmsync::testing {
namespace {

class PipedriveOAuthConnector : public PipedriveConnectorTest {
 protected:
  void SetUp() override {
    PipedriveSandboxOptions o;
    o.burst_limit = 0;
    o.search_burst_limit = 0;
    o.threads = 4;
    o.clock = [this] { return now_.load(); };
    sandbox_ = std::make_unique<PipedriveSandbox>(o);
    ASSERT_TRUE(sandbox_->start().ok());
    refresh_token_ =
        admin("POST", "/__admin/oauth/refresh_token").find("refresh_token")->as_string();
  }

  // base_url points nowhere: every API call must go to the api_domain the
  // token answer names.
  Result<std::unique_ptr<Connection>> oauth_connection(const std::string& refresh_token,
                                                       const std::string& secret = "demo-secret") {
    ConnectionConfig c;
    c.name = "pd";
    c.type = "pipedrive";
    c.options.values = Value(Object{{"auth", Value("oauth")},
                                    {"client_id", Value("demo-client")},
                                    {"client_secret", Value(secret)},
                                    {"refresh_token", Value(refresh_token)},
                                    {"oauth_url", Value(sandbox_->base_url())},
                                    {"base_url", Value("http://127.0.0.1:1")},
                                    {"search_burst_limit", Value(int64_t{0})}});
    return ConnectorRegistry::instance().create(c, ConnectorContext{"."});
  }

  Status write_person(Connection& conn, const std::string& name) {
    Record r(make_field_names({"name"}));
    r.value(0) = name;
    std::vector<WriteItem> items = {{WriteOp::create, "", r}};
    auto res = conn.write(WriteRequest{"person", "id", "", items});
    if (!res.ok()) return res.error();
    if (!(*res)[0].ok) return (*res)[0].error;
    return {};
  }

  // Requests by path in the sandbox's log, and whether any used the API token.
  int count(const std::string& method, const std::string& path, bool* api_token_used = nullptr) {
    int n = 0;
    Value log = admin("GET", "/__admin/requests?limit=1000");
    for (const Value& r : log.find("requests")->as_array()) {
      // The fixture's admin calls carry the API token; API calls must not.
      if (api_token_used && r.find("client")->as_string() == "api_token" &&
          r.find("path")->as_string().rfind("/__admin", 0) != 0)
        *api_token_used = true;
      if (r.find("method")->as_string() == method && r.find("path")->as_string() == path) ++n;
    }
    return n;
  }

  std::atomic<int64_t> now_{1700000000};
  std::string refresh_token_;
};

TEST_F(PipedriveOAuthConnector, TokenAtStartRenewedOnceAfterExpiry) {
  auto conn = oauth_connection(refresh_token_);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  conn_ = std::move(*conn);
  ASSERT_TRUE(write_person(*conn_, "Ann").ok());
  ASSERT_TRUE(write_person(*conn_, "Bob").ok());
  EXPECT_EQ(count("POST", "/oauth/token"), 1);

  now_ += 3600;  // the access token has expired
  auto s = write_person(*conn_, "Cleo");
  ASSERT_TRUE(s.ok()) << s.error().message;
  bool api_token_used = false;
  EXPECT_EQ(count("POST", "/oauth/token", &api_token_used), 2);
  EXPECT_FALSE(api_token_used);
  EXPECT_EQ(count("POST", "/api/v2/persons"), 4);  // three created, one refused with 401
  EXPECT_EQ(read_all("person").size(), 3u);
}

TEST_F(PipedriveOAuthConnector, BadGrantOrSecretIsAnAuthErrorWithoutSecrets) {
  auto conn = oauth_connection("1:1:not-a-token");
  ASSERT_TRUE(conn.ok());
  auto s = write_person(**conn, "Ann");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::auth);
  EXPECT_NE(s.error().message.find("Invalid grant: refresh_token is invalid"), std::string::npos)
      << s.error().message;
  EXPECT_EQ(s.error().message.find("not-a-token"), std::string::npos);

  auto wrong = oauth_connection(refresh_token_, "wrong-secret");
  ASSERT_TRUE(wrong.ok());
  auto w = write_person(**wrong, "Ann");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("Invalid client: client is invalid"), std::string::npos);
  EXPECT_EQ(w.error().message.find("wrong-secret"), std::string::npos);
  EXPECT_EQ(w.error().message.find(refresh_token_), std::string::npos);
}

TEST_F(PipedriveOAuthConnector, ConcurrentRenewalsRefreshOnce) {
  PipedriveConfig config;
  config.auth = "oauth";
  config.oauth_url = sandbox_->base_url();
  config.oauth_client_id = "demo-client";
  config.oauth_client_secret = "demo-secret";
  config.oauth_refresh_token = refresh_token_;
  // The provider in the session the connection uses: the session makes
  // renewals single-flight by the credentials' generation.
  net::HttpSession session(net::SessionOptions{}, std::make_unique<PipedriveOAuth>(config), {},
                           net::clock_or_system(nullptr));
  auto first = session.credentials();
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->base_url, sandbox_->base_url());
  // Eight calls refused with the same token renew it together: one refresh.
  std::vector<std::string> seen(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i)
    threads.emplace_back([&, i] {
      if (!session.renew(first->generation).ok()) return;
      auto t = session.credentials();
      if (t.ok()) seen[i] = t->token;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(session.logins(), 2);
  for (const std::string& token : seen) {
    EXPECT_EQ(token, seen[0]);
    EXPECT_NE(token, first->token);
  }
}

TEST_F(PipedriveOAuthConnector, OAuthOptionsAreRequired) {
  ConnectionConfig c;
  c.name = "pd";
  c.type = "pipedrive";
  c.options.values = Value(Object{{"auth", Value("oauth")}, {"client_id", Value("demo-client")}});
  auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{"."});
  ASSERT_FALSE(conn.ok());
  EXPECT_NE(conn.error().message.find("client_secret"), std::string::npos);
}

// `auth: web_server`: no refresh token in the config; the dashboard's
// Connect (or `crmsync connect`) gets one through the consent page.
ConnectionConfig web_server_config(const std::string& oauth_url) {
  ConnectionConfig c;
  c.name = "pd";
  c.type = "pipedrive";
  c.options.values = Value(Object{{"auth", Value("web_server")},
                                  {"client_id", Value("demo-client")},
                                  {"client_secret", Value("demo-secret")},
                                  {"oauth_url", Value(oauth_url)},
                                  {"base_url", Value("http://127.0.0.1:1")}});
  return c;
}

TEST_F(PipedriveOAuthConnector, WebServerConnectsThroughTheConsentPageAndRevokes) {
  ConnectionConfig c = web_server_config(sandbox_->base_url());
  ASSERT_TRUE(uses_oauth_web_flow(c));
  auto flow = make_oauth_web_flow(c, ConnectorContext{"."});
  ASSERT_TRUE(flow.ok()) << flow.error().message;
  const std::string redirect = "http://127.0.0.1:9/oauth/callback";
  OAuthAuthorization a = (*flow)->begin(redirect);
  ASSERT_EQ(a.url.rfind(sandbox_->base_url() + "/oauth/authorize?", 0), 0u) << a.url;
  EXPECT_NE(a.url.find("client_id=demo-client"), std::string::npos);
  EXPECT_NE(a.url.find("state=" + net::url_encode(a.state)), std::string::npos);
  EXPECT_EQ((*flow)->redirect_port(), 8401);

  // The browser: the consent page, then "Allow and install".
  net::HttpClient http;
  net::HttpClientRequest page;
  page.url = a.url;
  auto shown = http.send(page);
  ASSERT_TRUE(shown.ok());
  ASSERT_EQ(shown->status, 200);
  net::HttpClientRequest allow;
  allow.method = "POST";
  allow.url = sandbox_->base_url() + "/oauth/authorize";
  allow.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  allow.body = net::QueryBuilder()
                   .add("client_id", "demo-client")
                   .add("redirect_uri", redirect)
                   .add("state", a.state)
                   .add("decision", "allow")
                   .query();
  auto back = http.send(allow);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->status, 302);
  std::string location = back->header("location").value_or("");
  ASSERT_EQ(location.rfind(redirect + "?code=", 0), 0u) << location;
  size_t at = location.find("code=") + 5;
  std::string code = net::url_decode(location.substr(at, location.find('&', at) - at));

  auto token = (*flow)->finish(a, code);
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_FALSE(token->empty());
  EXPECT_EQ((*flow)->token_option(), "refresh_token");
  // A code works once; the error quotes Pipedrive, never the code.
  auto twice = (*flow)->finish(a, code);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("authorization_code is invalid"), std::string::npos)
      << twice.error().message;
  EXPECT_EQ(twice.error().message.find(code), std::string::npos);

  // The stored token as the connection's option (as runs get it): it works.
  c.options.values.as_object().push_back({"refresh_token", Value(*token)});
  auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{"."});
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  ASSERT_TRUE(write_person(**conn, "Ann").ok());

  // Disconnect revokes it: a new connection with it is refused.
  ASSERT_TRUE((*flow)->revoke(*token).ok());
  auto after = ConnectorRegistry::instance().create(c, ConnectorContext{"."});
  ASSERT_TRUE(after.ok());
  auto refused = write_person(**after, "Bob");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::auth);
  EXPECT_NE(refused.error().message.find("refresh_token is invalid"), std::string::npos);
}

TEST_F(PipedriveOAuthConnector, WebServerWithoutAStoredTokenSaysToConnect) {
  auto conn = ConnectorRegistry::instance().create(web_server_config(sandbox_->base_url()),
                                                   ConnectorContext{"."});
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  auto s = write_person(**conn, "Ann");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::auth);
  EXPECT_NE(s.error().message.find("no stored token yet"), std::string::npos) << s.error().message;
  EXPECT_EQ(count("POST", "/oauth/token"), 0);  // nothing to refresh with

  ConnectionConfig no_secret = web_server_config(sandbox_->base_url());
  no_secret.options.values =
      Value(Object{{"auth", Value("web_server")}, {"client_id", Value("demo-client")}});
  auto refused = ConnectorRegistry::instance().create(no_secret, ConnectorContext{"."});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("auth: web_server needs client_secret"), std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace crmsync::testing
