// The dashboard on a real Service: its embedded page and assets, login for
// a session cookie, CSRF on state-changing API calls, logout, idle expiry
// on the harness's clock, and no secret in what the browser is sent.
#include "api_harness.h"
#include "core/redact.h"

namespace crmsync::testing {
namespace {

constexpr int64_t kHour = int64_t{3600} * 1'000'000;

struct Login {
  std::string cookie;  // "crmsync_session=..."
  std::string csrf;
};

Login login(ApiHarness& h) {
  auto res = h.call("POST", "/login", std::string(R"({"token": ")") + kToken + "\"}", "");
  EXPECT_EQ(res.status, 200) << res.body;
  std::string set = res.header("Set-Cookie").value_or("");
  Login l;
  l.cookie = set.substr(0, set.find(';'));
  Value body = ApiHarness::json(res);
  l.csrf = at(body, "csrf").is_string() ? at(body, "csrf").as_string() : "";
  return l;
}

net::HttpHeaders with(const Login& l, bool csrf) {
  net::HttpHeaders h{{"Cookie", l.cookie}};
  if (csrf) h.emplace("X-CSRF-Token", l.csrf);
  return h;
}

TEST(Dashboard, PageAndAssetsAreServedWithTypesEtagAndGzip) {
  ApiHarness h(true);
  Login l = login(h);
  auto page = h.call("GET", "/", "", "", with(l, false));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.header("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("/assets/app.js"), std::string::npos);
  EXPECT_NE(page.header("Content-Security-Policy").value_or("").find("default-src 'self'"),
            std::string::npos);

  auto js = h.call("GET", "/assets/app.js", "", "");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.header("Content-Type").value_or(""), "text/javascript; charset=utf-8");
  EXPECT_GT(js.body.size(), 1000u);
  auto css = h.call("GET", "/assets/app.css", "", "");
  EXPECT_EQ(css.header("Content-Type").value_or(""), "text/css; charset=utf-8");

  std::string etag = js.header("ETag").value_or("");
  ASSERT_FALSE(etag.empty());
  auto again = h.call("GET", "/assets/app.js", "", "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());

  auto zipped = h.call("GET", "/assets/app.js", "", "", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(zipped.header("Content-Encoding").value_or(""), "gzip");
  EXPECT_LT(zipped.body.size(), js.body.size() / 2);
  EXPECT_NE(zipped.header("ETag").value_or(""), etag);

  EXPECT_EQ(h.call("GET", "/assets/nope.js", "", "").status, 404);
}

TEST(Dashboard, APageWithoutASessionRedirectsToLoginAndBack) {
  ApiHarness h(true);
  auto res = h.call("GET", "/runs/7", "", "");
  EXPECT_EQ(res.status, 303);
  EXPECT_EQ(res.header("Location").value_or(""), "/login?next=%2Fruns%2F7");
  auto history = h.call("GET", "/history?status=failed", "", "");
  EXPECT_EQ(history.header("Location").value_or(""), "/login?next=%2Fhistory%3Fstatus%3Dfailed");
  auto login_page = h.call("GET", "/login", "", "");
  EXPECT_EQ(login_page.status, 200);
  EXPECT_EQ(login_page.header("Content-Type").value_or(""), "text/html; charset=utf-8");
}

TEST(Dashboard, LoginNeedsTheApiTokenAndSetsAStrictHttpOnlyCookie) {
  ApiHarness h(true);
  auto wrong = h.call("POST", "/login", R"({"token": "not-the-token"})", "");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(at(ApiHarness::json(wrong), "error.field"), Value("token"));
  EXPECT_FALSE(wrong.header("Set-Cookie"));
  auto empty = h.call("POST", "/login", R"({})", "");
  EXPECT_EQ(empty.status, 400);
  // A form post (what a cross-site page can send without preflight) is refused.
  auto form =
      h.call("POST", "/login", "", "", {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415);

  auto ok = h.call("POST", "/login", std::string(R"({"token": ")") + kToken + "\"}", "");
  ASSERT_EQ(ok.status, 200);
  std::string cookie = ok.header("Set-Cookie").value_or("");
  EXPECT_EQ(cookie.rfind("crmsync_session=", 0), 0u);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
}

TEST(Dashboard, TheSessionReadsTheApiAndChangesStateOnlyWithItsCsrfToken) {
  ApiHarness h(true);
  Login l = login(h);
  ASSERT_EQ(l.csrf.size(), 64u);
  EXPECT_EQ(h.call("GET", "/api/v1/flows", "", "", with(l, false)).status, 200);
  auto session = h.call("GET", "/session", "", "", with(l, false));
  EXPECT_EQ(at(ApiHarness::json(session), "csrf"), Value(l.csrf));

  auto no_csrf = h.call("POST", "/api/v1/runs", R"({"flows": ["orders"]})", "", with(l, false));
  EXPECT_EQ(no_csrf.status, 403) << no_csrf.body;
  EXPECT_EQ(at(ApiHarness::json(no_csrf), "error.code"), Value("csrf_failed"));
  EXPECT_EQ(h.store().runs(10).value().size(), 0u) << "a refused request queued a run";

  auto queued = h.call("POST", "/api/v1/runs", R"({"flows": ["orders"]})", "", with(l, true));
  ASSERT_EQ(queued.status, 202) << queued.body;
  int64_t id = at(ApiHarness::json(queued), "id").as_int();
  EXPECT_EQ(h.wait_final(id), "succeeded");

  // The bearer token still works alone, with no CSRF token.
  EXPECT_EQ(h.call("POST", "/api/v1/runs", R"({"flows": ["orders"]})").status, 202);
}

TEST(Dashboard, LogoutNeedsCsrfAndEndsTheSession) {
  ApiHarness h(true);
  Login l = login(h);
  EXPECT_EQ(h.call("POST", "/logout", "", "", with(l, false)).status, 403);
  EXPECT_EQ(h.call("GET", "/api/v1/flows", "", "", with(l, false)).status, 200);
  auto out = h.call("POST", "/logout", "", "", with(l, true));
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.header("Set-Cookie").value_or("").find("Max-Age=0"), std::string::npos);
  auto after = h.call("GET", "/api/v1/flows", "", "", with(l, false));
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(at(ApiHarness::json(after), "error.code"), Value("session_expired"));
  EXPECT_EQ(h.call("GET", "/", "", "", with(l, false)).status, 303);
}

TEST(Dashboard, ASessionIdleForTwelveHoursEnds) {
  ApiHarness h(true);
  Login l = login(h);
  h.clock().advance_micros(11 * kHour);
  EXPECT_EQ(h.call("GET", "/api/v1/runs", "", "", with(l, false)).status, 200);
  h.clock().advance_micros(11 * kHour);
  EXPECT_EQ(h.call("GET", "/", "", "", with(l, false)).status, 200);
  h.clock().advance_micros(12 * kHour);
  EXPECT_EQ(h.call("GET", "/api/v1/runs", "", "", with(l, false)).status, 401);
  EXPECT_EQ(h.call("GET", "/history", "", "", with(l, false)).status, 303);
}

TEST(Dashboard, NoAnswerTheBrowserGetsHoldsTheApiToken) {
  ApiHarness h(true);
  Login l = login(h);
  int64_t id =
      at(ApiHarness::json(h.call("POST", "/api/v1/runs", "{}", "", with(l, true))), "id").as_int();
  ASSERT_GT(id, 0);
  h.wait_final(id);
  for (const char* path : {"/", "/login", "/history", "/assets/app.js", "/assets/app.css",
                           "/session", "/api/v1/runs", "/api/v1/flows", "/api/v1/connections"}) {
    auto res = h.call("GET", path, "", "", with(l, false));
    EXPECT_EQ(res.body.find(kToken), std::string::npos) << path;
    for (const auto& [name, value] : res.headers)
      EXPECT_EQ(value.find(kToken), std::string::npos) << path << " " << name;
  }
}

TEST(DashboardOAuth, ConnectIsForBrowserLoginConnectionsOnly) {
  ApiHarness h(true);
  auto res = h.call("POST", "/api/v1/connections/crm/connect");
  EXPECT_EQ(res.status, 400) << res.body;
  EXPECT_EQ(at(ApiHarness::json(res), "error.code"), Value("not_oauth"));
  EXPECT_EQ(h.call("POST", "/api/v1/connections/nope/connect").status, 404);
  EXPECT_EQ(h.call("POST", "/api/v1/connections/crm/disconnect").status, 400);
  Value conns = ApiHarness::json(h.call("GET", "/api/v1/connections"));
  for (const Value& c : at(conns, "connections").as_array())
    EXPECT_TRUE(at(c, "connected").is_null()) << c.to_text();
}

TEST(DashboardOAuth, ACallbackWithAStateServeDidNotMakeStoresNothing) {
  ApiHarness h(true);
  auto res = h.call("GET", "/oauth/callback?code=abc&state=forged", "", "");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_NE(res.body.find("url=/connections?oauth_error="), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find("connected="), std::string::npos);
  // A refusal from the API's login page is passed on, escaped.
  auto refused = h.call(
      "GET", "/oauth/callback?error=access_denied&error_description=%3Cb%3E&state=x", "", "");
  EXPECT_NE(refused.body.find("access_denied"), std::string::npos);
  EXPECT_EQ(refused.body.find("<b>"), std::string::npos);
}

}  // namespace
}  // namespace crmsync::testing
