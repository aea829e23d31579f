// The sandbox's OAuth: consent page, code, token exchange and refresh with
// HTTP basic client credentials, Bearer access tokens that expire after 60
// minutes of sandbox time.
#include <atomic>

#include "net/url.h"
#include "sandbox/common/json_object.h"
#include "sandbox_fixture.h"

namespace crmsync::sandbox::pipedrive::testing {
namespace {

const std::string kRedirect = "http://127.0.0.1:9/callback";

class PipedriveOAuthTest : public SandboxTest {
 protected:
  void SetUp() override {
    auto o = default_options();
    o.clock = [this] { return now_.load(); };
    start(o);
  }

  net::HttpResponse raw(const std::string& method, const std::string& path,
                        const std::string& body = "", const std::string& content_type = "",
                        const std::string& authorization = "") {
    net::HttpClientRequest req;
    req.method = method;
    req.url = sandbox_->base_url() + path;
    req.body = body;
    if (!content_type.empty()) req.headers.emplace("Content-Type", content_type);
    if (!authorization.empty()) req.headers.emplace("Authorization", authorization);
    auto res = client_.send(req);
    EXPECT_TRUE(res.ok());
    return res.ok() ? *res : net::HttpResponse{};
  }

  // Consent given in the page's form: the redirect's query.
  std::string consent(const std::string& decision) {
    auto res = raw("POST", "/oauth/authorize",
                   net::QueryBuilder()
                       .add("client_id", "demo-client")
                       .add("redirect_uri", kRedirect)
                       .add("state", "xyz")
                       .add("decision", decision)
                       .query(),
                   "application/x-www-form-urlencoded");
    EXPECT_EQ(res.status, 302);
    return res.header("location").value_or("");
  }

  static std::string code_of(const std::string& location) {
    size_t at = location.find("code=");
    size_t end = location.find('&', at);
    return net::url_decode(location.substr(at + 5, end - at - 5));
  }

  Value token(const std::string& form, int expected_status,
              const std::string& credentials = "demo-client:demo-secret") {
    auto res = raw("POST", "/oauth/token", form, "application/x-www-form-urlencoded",
                   credentials.empty() ? "" : "Basic " + base64_encode(credentials));
    EXPECT_EQ(res.status, expected_status) << res.body;
    auto v = parse_json(res.body);
    return v.ok() ? *v : Value();
  }

  Value exchange(const std::string& code, int expected_status = 200) {
    return token(net::QueryBuilder()
                     .add("grant_type", "authorization_code")
                     .add("code", code)
                     .add("redirect_uri", kRedirect)
                     .query(),
                 expected_status);
  }

  int bearer_status(const std::string& access_token, std::string* body = nullptr) {
    auto res = raw("GET", "/api/v2/persons", "", "", "Bearer " + access_token);
    if (body) *body = res.body;
    return res.status;
  }

  std::atomic<int64_t> now_{1700000000};
};

TEST_F(PipedriveOAuthTest, ConsentPageThenCodeThenTokens) {
  auto page = raw("GET", "/oauth/authorize?client_id=demo-client&redirect_uri=" +
                             net::url_encode(kRedirect) + "&state=xyz");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<form method=\"post\" action=\"/oauth/authorize\">"),
            std::string::npos);
  EXPECT_NE(page.body.find("value=\"xyz\""), std::string::npos);
  EXPECT_EQ(
      raw("GET", "/oauth/authorize?client_id=other&redirect_uri=" + net::url_encode(kRedirect))
          .status,
      400);

  std::string location = consent("allow");
  ASSERT_EQ(location.rfind(kRedirect + "?code=", 0), 0u) << location;
  EXPECT_NE(location.find("&state=xyz"), std::string::npos);
  Value t = exchange(code_of(location));
  EXPECT_EQ(*t.find("token_type"), Value("Bearer"));
  EXPECT_EQ(*t.find("expires_in"), Value(int64_t{3599}));
  EXPECT_EQ(*t.find("api_domain"), Value(sandbox_->base_url()));
  EXPECT_TRUE(t.find("scope")->is_string());
  std::string access = t.find("access_token")->as_string();
  std::string refresh = t.find("refresh_token")->as_string();
  EXPECT_EQ(bearer_status(access), 200);

  // A code works once.
  Value again = exchange(code_of(location), 400);
  EXPECT_EQ(*again.find("message"), Value("Invalid grant: authorization_code is invalid"));

  // After 60 minutes of sandbox time the access token is refused; a refresh
  // gives a new one.
  now_ += 3600;
  std::string body;
  EXPECT_EQ(bearer_status(access, &body), 401);
  EXPECT_NE(body.find("access token has expired"), std::string::npos);
  Value renewed = token("grant_type=refresh_token&refresh_token=" + net::url_encode(refresh), 200);
  std::string access2 = renewed.find("access_token")->as_string();
  EXPECT_NE(access2, access);
  EXPECT_EQ(*renewed.find("refresh_token"), Value(refresh));
  EXPECT_EQ(bearer_status(access2), 200);
  EXPECT_EQ(bearer_status("1:1:unknown"), 401);

  auto requests = call("GET", "/__admin/requests?limit=50", "", "");
  bool logged_oauth = false;
  for (const auto& r : requests["requests"].as_array())
    if (r.find("client") && *r.find("client") == Value("oauth")) logged_oauth = true;
  EXPECT_TRUE(logged_oauth);
}

TEST_F(PipedriveOAuthTest, TokenErrorsAsDocumented) {
  auto message = [](const Value& v) { return v.find("message") ? *v.find("message") : Value(); };
  EXPECT_EQ(message(token("grant_type=refresh_token&refresh_token=x", 400)),
            Value("Invalid grant: refresh_token is invalid"));
  EXPECT_EQ(message(token("grant_type=refresh_token&refresh_token=x", 400, "demo-client:wrong")),
            Value("Invalid client: client is invalid"));
  EXPECT_EQ(message(token("grant_type=refresh_token", 400, "")),
            Value("Invalid client: cannot retrieve client credentials"));
  EXPECT_EQ(message(token("grant_type=password", 400)),
            Value("Unsupported grant type: grant_type is invalid"));
  EXPECT_EQ(message(token("code=x", 400)), Value("Missing parameter: grant_type"));
  auto json = raw("POST", "/oauth/token", R"({"grant_type":"refresh_token"})", "application/json",
                  "Basic " + base64_encode("demo-client:demo-secret"));
  EXPECT_EQ(json.status, 400);
  EXPECT_NE(json.body.find("application/x-www-form-urlencoded"), std::string::npos);

  // A code is bound to its redirect_uri and lives 5 minutes.
  std::string code = code_of(consent("allow"));
  Value wrong_uri = token(net::QueryBuilder()
                              .add("grant_type", "authorization_code")
                              .add("code", code)
                              .add("redirect_uri", "http://elsewhere/cb")
                              .query(),
                          400);
  EXPECT_EQ(message(wrong_uri), Value("Invalid request: redirect_uri is invalid"));
  std::string late = code_of(consent("allow"));
  now_ += 301;
  EXPECT_EQ(message(exchange(late, 400)), Value("Invalid grant: authorization_code has expired"));

  std::string denied = consent("deny");
  EXPECT_NE(denied.find("error=user_denied"), std::string::npos);
  EXPECT_NE(denied.find("state=xyz"), std::string::npos);
}

TEST_F(PipedriveOAuthTest, AdminRefreshTokenAndReset) {
  auto grant = call("POST", "/__admin/oauth/refresh_token", "", "");
  std::string refresh = grant["refresh_token"].as_string();
  Value t = token("grant_type=refresh_token&refresh_token=" + net::url_encode(refresh), 200);
  std::string access = t.find("access_token")->as_string();
  EXPECT_EQ(bearer_status(access), 200);
  call("POST", "/__admin/reset", "", "");
  EXPECT_EQ(bearer_status(access), 401);  // a reset forgets the tokens
}

TEST_F(PipedriveOAuthTest, ARevokedRefreshTokenGivesNoMoreAccessTokens) {
  std::string refresh = exchange(code_of(consent("allow"))).find("refresh_token")->as_string();
  std::string form = "token=" + net::url_encode(refresh) + "&token_type_hint=refresh_token";
  auto wrong = raw("POST", "/oauth/revoke", form, "application/x-www-form-urlencoded",
                   "Basic " + base64_encode("demo-client:wrong"));
  EXPECT_EQ(wrong.status, 400);
  // Still good after a revocation the app could not make.
  token("grant_type=refresh_token&refresh_token=" + net::url_encode(refresh), 200);
  auto revoked = raw("POST", "/oauth/revoke", form, "application/x-www-form-urlencoded",
                     "Basic " + base64_encode("demo-client:demo-secret"));
  EXPECT_EQ(revoked.status, 200) << revoked.body;
  Value after = token("grant_type=refresh_token&refresh_token=" + net::url_encode(refresh), 400);
  EXPECT_EQ(*after.find("message"), Value("Invalid grant: refresh_token is invalid"));
  // A token that is none: 200 as well (RFC 7009 2.2).
  EXPECT_EQ(raw("POST", "/oauth/revoke", form, "application/x-www-form-urlencoded",
                "Basic " + base64_encode("demo-client:demo-secret"))
                .status,
            200);
}

}  // namespace
}  // namespace crmsync::sandbox::pipedrive::testing
