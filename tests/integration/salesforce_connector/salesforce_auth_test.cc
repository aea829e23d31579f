// Salesforce auth against the sandbox: the JWT bearer grant (the connector
// signing with a key made at test time, the sandbox verifying against its
// certificate, each refusal answered as Salesforce answers it) and the
// web-server flow driven like a browser (login form, redirect, single-use
// code, PKCE).
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
// The test reads HTML forms with std::regex; GCC 12 reports false
// "maybe-uninitialized" warnings inside it (GCC bug 105562).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>

#include "connectors/salesforce/salesforce_connection.h"
#include "connectors/salesforce/salesforce_oauth.h"
#include "core/base64.h"
#include "core/json.h"
#include "net/crypto.h"
#include "net/http_client.h"
#include "net/url.h"
#include "sf_test_env.h"
#include "support/temp_dir.h"
#include "support/test_keys.h"

namespace crmsync {
namespace {

using sandbox::salesforce::SalesforceSandbox;
using sandbox::salesforce::SalesforceSandboxOptions;

int64_t now_secs() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

net::HttpResponse post_form(const std::string& url, const std::string& form) {
  net::HttpClient http;
  net::HttpClientRequest req;
  req.method = "POST";
  req.url = url;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  req.body = form;
  auto res = http.send(req);
  EXPECT_TRUE(res.ok());
  return res.ok() ? *res : net::HttpResponse{};
}

net::HttpResponse get(const std::string& url) {
  net::HttpClient http;
  net::HttpClientRequest req;
  req.url = url;
  auto res = http.send(req);
  EXPECT_TRUE(res.ok());
  return res.ok() ? *res : net::HttpResponse{};
}

// The {"error","error_description"} of a token endpoint answer.
std::pair<std::string, std::string> oauth_error(const net::HttpResponse& res) {
  auto v = parse_json(res.body);
  if (!v.ok() || !v->is_object()) return {"", res.body};
  const Value* e = v->find("error");
  const Value* d = v->find("error_description");
  return {e ? e->to_text() : "", d ? d->to_text() : ""};
}

class JwtBearer : public ::testing::Test {
 protected:
  void SetUp() override {
    keys = testing::make_test_key_pair();
    SalesforceSandboxOptions o;
    o.jwt_cert_pem = keys.certificate_pem;
    sb = testing::start_sf_sandbox(o);
    dir.write("sf.key", keys.private_key_pem);
  }

  // A signed assertion with these claims.
  std::string assertion(const std::string& claims, const std::string& key_pem) {
    std::string input =
        base64_encode("{\"alg\":\"RS256\"}", true) + "." + base64_encode(claims, true);
    auto sig = net::rs256_sign(key_pem, input);
    EXPECT_TRUE(sig.ok());
    return input + "." + base64_encode(sig.ok() ? *sig : "", true);
  }
  std::string claims(const std::string& iss, const std::string& sub, const std::string& aud,
                     int64_t exp) {
    return "{\"iss\":\"" + iss + "\",\"sub\":\"" + sub + "\",\"aud\":\"" + aud +
           "\",\"exp\":" + std::to_string(exp) + "}";
  }
  net::HttpResponse grant(const std::string& jwt) {
    return post_form(
        sb->base_url() + "/services/oauth2/token",
        "grant_type=" + net::url_encode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
            "&assertion=" + net::url_encode(jwt));
  }
  std::unique_ptr<Connection> connect_jwt(Object extra) {
    ConnectionConfig c;
    c.name = "sf";
    c.type = "salesforce";
    Object o{{"auth", Value("jwt")},
             {"login_url", Value(sb->base_url())},
             {"client_id", Value("demo-client")},
             {"username", Value("demo@example.com")},
             {"private_key_file", Value("sf.key")}};
    for (Member& m : extra) o.push_back(std::move(m));
    c.options.values = Value(std::move(o));
    auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{dir.path().string()});
    EXPECT_TRUE(conn.ok()) << (conn.ok() ? "" : conn.error().message);
    return conn.ok() ? std::move(*conn) : nullptr;
  }

  testing::TempDir dir;
  testing::TestKeyPair keys;
  std::unique_ptr<SalesforceSandbox> sb;
};

TEST_F(JwtBearer, ConnectorSignsAndTheSandboxIssuesASessionWithoutRefreshToken) {
  auto conn = connect_jwt({{"audience", Value(sb->base_url())}});
  ASSERT_TRUE(conn);
  Status s = conn->check();
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto& sf = dynamic_cast<SalesforceConnection&>(*conn);
  auto res = sf.call("GET", "/query?q=" + net::url_encode("SELECT Id FROM User"));
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_NE(res->body.find("\"totalSize\""), std::string::npos);

  // The default audience (login.salesforce.com) is accepted too; the grant
  // answer has no refresh token.
  auto answer = grant(assertion(
      claims("demo-client", "demo@example.com", "https://login.salesforce.com", now_secs() + 180),
      keys.private_key_pem));
  ASSERT_EQ(answer.status, 200) << answer.body;
  auto v = parse_json(answer.body);
  ASSERT_TRUE(v.ok());
  EXPECT_NE(v->find("access_token"), nullptr);
  EXPECT_EQ(v->find("refresh_token"), nullptr);
}

TEST_F(JwtBearer, RefusalsAreAnsweredAsSalesforceAnswersThem) {
  int64_t exp = now_secs() + 180;
  const std::string aud = "https://test.salesforce.com";
  auto other = testing::make_test_key_pair();
  struct Case {
    std::string jwt;
    std::string error, description;
  } cases[] = {
      {assertion(claims("demo-client", "demo@example.com", aud, exp), other.private_key_pem),
       "invalid_grant", "invalid assertion"},
      {"not.a-jwt", "invalid_grant", "invalid assertion"},
      {assertion(claims("other-app", "demo@example.com", aud, exp), keys.private_key_pem),
       "invalid_client_id", "client identifier invalid"},
      {assertion(claims("demo-client", "demo@example.com", "https://evil.example", exp),
                 keys.private_key_pem),
       "invalid_grant", "audience is invalid"},
      {assertion(claims("demo-client", "demo@example.com", aud, now_secs() - 10),
                 keys.private_key_pem),
       "invalid_grant", "expired authorization code"},
      {assertion(claims("demo-client", "demo@example.com", aud, now_secs() + 3600),
                 keys.private_key_pem),
       "invalid_grant", "invalid assertion"},
      {assertion(claims("demo-client", "nobody@example.com", aud, exp), keys.private_key_pem),
       "invalid_grant", "user hasn't approved this consumer"},
  };
  for (const Case& c : cases) {
    auto res = grant(c.jwt);
    EXPECT_EQ(res.status, 400) << c.description;
    EXPECT_EQ(oauth_error(res), std::make_pair(c.error, c.description)) << res.body;
  }
}

TEST_F(JwtBearer, AWrongKeyStopsTheConnectionWithTheServiceAnswerAndNoKeyMaterial) {
  auto other = testing::make_test_key_pair();
  dir.write("sf.key", other.private_key_pem);
  auto conn = connect_jwt({});
  ASSERT_TRUE(conn);
  Status s = conn->check();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::fatal);
  EXPECT_NE(s.error().message.find("invalid_grant: invalid assertion"), std::string::npos)
      << s.error().message;
  EXPECT_EQ(s.error().message.find("PRIVATE KEY"), std::string::npos);

  dir.write("sf.key", "-----BEGIN PRIVATE KEY-----\nsecret-looking-garbage\n");
  auto bad = connect_jwt({});
  Status b = bad->check();
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("sf.key"), std::string::npos) << b.error().message;
  EXPECT_EQ(b.error().message.find("secret-looking-garbage"), std::string::npos);
}

TEST(JwtBearerConfig, NeedsClientIdUsernameAndKeyFile) {
  ConnectionConfig c;
  c.name = "sf";
  c.type = "salesforce";
  c.options.values = Value(Object{{"auth", Value("jwt")}});
  auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{"."});
  ASSERT_FALSE(conn.ok());
  EXPECT_NE(conn.error().message.find("client_id, username, private_key_file"), std::string::npos)
      << conn.error().message;
}

// --- the web-server flow, driven like a browser

struct Form {
  std::string action;
  std::map<std::string, std::string> fields;
};

// The login form's action and hidden fields, as a browser reads them.
Form read_form(const std::string& html) {
  Form f;
  std::smatch m;
  if (std::regex_search(html, m, std::regex("<form[^>]*action=\"([^\"]+)\""))) f.action = m[1];
  std::regex input("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), input);
       it != std::sregex_iterator(); ++it) {
    std::string v = (*it)[2];
    for (auto [from, to] : {std::pair{"&amp;", "&"}, {"&quot;", "\""}, {"&lt;", "<"}}) {
      for (size_t at; (at = v.find(from)) != std::string::npos;) v.replace(at, strlen(from), to);
    }
    f.fields[(*it)[1]] = v;
  }
  return f;
}

std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> out;
  size_t q = url.find('?');
  if (q == std::string::npos) return out;
  std::string rest = url.substr(q + 1);
  std::regex kv("([^&=]+)=([^&]*)");
  for (auto it = std::sregex_iterator(rest.begin(), rest.end(), kv); it != std::sregex_iterator();
       ++it) {
    out[net::url_decode((*it)[1].str())] = net::url_decode((*it)[2].str());
  }
  return out;
}

class WebServerFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    sb = testing::start_sf_sandbox();
    config.login_url = sb->base_url();
    config.client_id = "demo-client";
    config.client_secret = "demo-secret";
    config.timeout_secs = 10;
  }

  // Logs in through the authorize page; the redirect's Location.
  std::string log_in(const SalesforceAuthorization& a, const std::string& password = "demo") {
    auto page = get(a.url);
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("<form"), std::string::npos);
    Form form = read_form(page.body);
    EXPECT_EQ(form.action, "/services/oauth2/authorize");
    EXPECT_EQ(form.fields["state"], a.state);
    net::QueryBuilder body;
    for (const auto& [k, v] : form.fields) body.add(k, v);
    body.add("username", "demo@example.com").add("pw", password);
    auto res = post_form(sb->base_url() + form.action, body.query());
    if (res.status != 302) return "";
    return res.header("Location").value_or("");
  }

  std::unique_ptr<SalesforceSandbox> sb;
  SalesforceConfig config;
};

TEST_F(WebServerFlow, LoginRedirectsWithCodeAndStateAndTheCodeWorksOnce) {
  auto a = salesforce_authorization(config, "http://localhost:8400/callback");
  EXPECT_NE(a.url.find("code_challenge_method=S256"), std::string::npos);

  // A wrong password shows the form again, with an error and no redirect.
  auto page = get(a.url);
  Form form = read_form(page.body);
  net::QueryBuilder wrong;
  for (const auto& [k, v] : form.fields) wrong.add(k, v);
  wrong.add("username", "demo@example.com").add("pw", "nope");
  auto again = post_form(sb->base_url() + form.action, wrong.query());
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("check your username and password"), std::string::npos);

  std::string location = log_in(a);
  ASSERT_EQ(location.rfind("http://localhost:8400/callback?", 0), 0u) << location;
  auto q = query_of(location);
  EXPECT_EQ(q["state"], a.state);
  ASSERT_FALSE(q["code"].empty());

  auto token = salesforce_exchange_code(config, a, q["code"]);
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_FALSE(token->access_token.empty());
  EXPECT_FALSE(token->refresh_token.empty());
  EXPECT_EQ(token->instance_url, sb->base_url());

  // Single use: the same code again is refused and names no code.
  auto second = salesforce_exchange_code(config, a, q["code"]);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, ErrorKind::fatal);
  EXPECT_NE(second.error().message.find("invalid_grant: invalid authorization code"),
            std::string::npos)
      << second.error().message;
  EXPECT_EQ(second.error().message.find(q["code"]), std::string::npos);

  // The refresh token then logs a connection in.
  ConnectionConfig c;
  c.name = "sf";
  c.type = "salesforce";
  c.options.values = Value(Object{{"auth", Value("web_server")},
                                  {"login_url", Value(sb->base_url())},
                                  {"client_id", Value("demo-client")},
                                  {"client_secret", Value("demo-secret")},
                                  {"refresh_token", Value(token->refresh_token)}});
  auto web = ConnectorRegistry::instance().create(c, ConnectorContext{"."});
  ASSERT_TRUE(web.ok()) << web.error().message;
  Status s = (*web)->check();
  EXPECT_TRUE(s.ok()) << s.error().message;
}

TEST_F(WebServerFlow, ExchangeChecksVerifierRedirectSecretAndAge) {
  auto code_for = [&](const SalesforceAuthorization& a) { return query_of(log_in(a))["code"]; };
  {
    auto a = salesforce_authorization(config, "http://localhost:8400/callback");
    std::string code = code_for(a);
    auto forged = a;
    forged.code_verifier = "another-verifier-another-verifier-another-ve";
    auto r = salesforce_exchange_code(config, forged, code);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("invalid_grant: invalid code verifier"), std::string::npos)
        << r.error().message;
  }
  {
    auto a = salesforce_authorization(config, "http://localhost:8400/callback");
    std::string code = code_for(a);
    auto moved = a;
    moved.redirect_uri = "http://localhost:9999/callback";
    auto r = salesforce_exchange_code(config, moved, code);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("invalid_grant: redirect_uri mismatch"), std::string::npos)
        << r.error().message;
  }
  {
    auto a = salesforce_authorization(config, "http://localhost:8400/callback");
    std::string code = code_for(a);
    SalesforceConfig wrong = config;
    wrong.client_secret = "guess";
    auto r = salesforce_exchange_code(wrong, a, code);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("invalid_client: invalid client credentials"),
              std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().message.find("guess"), std::string::npos);
  }
}

TEST(WebServerFlowAge, AnExpiredCodeIsRefused) {
  int64_t now = 1'700'000'000LL * 1'000'000;
  SalesforceSandboxOptions o;
  o.clock = [&now] { return now; };
  o.auth_code_lifetime_secs = 120;
  auto sb = testing::start_sf_sandbox(o);
  SalesforceConfig config;
  config.login_url = sb->base_url();
  config.client_id = "demo-client";
  config.client_secret = "demo-secret";
  auto a = salesforce_authorization(config, "http://localhost:8400/callback");
  Form form = read_form(get(a.url).body);
  net::QueryBuilder body;
  for (const auto& [k, v] : form.fields) body.add(k, v);
  body.add("username", "demo@example.com").add("pw", "demo");
  auto res = post_form(sb->base_url() + form.action, body.query());
  ASSERT_EQ(res.status, 302);
  std::string code = query_of(res.header("Location").value_or(""))["code"];
  now += 121LL * 1'000'000;
  auto r = salesforce_exchange_code(config, a, code);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("invalid_grant: expired authorization code"), std::string::npos)
      << r.error().message;
}

TEST(WebServerFlowRequest, UnknownClientIsAPageAndABadResponseTypeARedirect) {
  auto sb = testing::start_sf_sandbox();
  auto page = get(sb->base_url() + "/services/oauth2/authorize?response_type=code&client_id=x" +
                  "&redirect_uri=" + net::url_encode("http://localhost:1/cb"));
  EXPECT_EQ(page.status, 400);
  EXPECT_NE(page.body.find("invalid_client_id"), std::string::npos);
  auto token = get(sb->base_url() +
                   "/services/oauth2/authorize?response_type=token&client_id=demo-client&state=s1" +
                   "&redirect_uri=" + net::url_encode("http://localhost:1/cb"));
  ASSERT_EQ(token.status, 302);
  auto q = query_of(token.header("Location").value_or(""));
  EXPECT_EQ(q["error"], "unsupported_response_type");
  EXPECT_EQ(q["state"], "s1");
}

}  // namespace
}  // namespace crmsync
