// Login: a JWT Bearer with expiresAt, 401 once it expires (sandbox clock),
// 403 after repeated bad logins, 402 for a module the licence lacks.
#include "pg_fixture.h"

namespace crmsync::sandbox::payamgostar::testing {
namespace {

const std::string kFind = R"({"queries":[],"pageNumber":1,"pageSize":10})";

TEST_F(PgTest, LoginAnswersAJwtWithItsExpiryInTehranTime) {
  Answer a = login();
  ASSERT_EQ(a.status, 200) << a.response.body;
  std::string token = a["accessToken"].as_string();
  EXPECT_EQ(token.rfind("eyJhbGci", 0), 0u) << token;
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);
  EXPECT_FALSE(a["refreshToken"].as_string().empty());
  EXPECT_EQ(a["expiresAt"].as_string(), "2025-12-21T14:36:17.173+03:30");
  EXPECT_EQ(call("POST", "/api/v2/crmobject/person/find", kFind, "Bearer " + token).status, 200);
}

TEST_F(PgTest, CallsWithoutAValidBearerAre401AndAnExpiredTokenSaysSo) {
  std::string token = login()["accessToken"].as_string();
  for (const std::string& auth :
       {std::string(""), token, std::string("Bearer nope"), "Token " + token}) {
    Answer a = call("POST", "/api/v2/crmobject/person/find", kFind, auth);
    EXPECT_EQ(a.status, 401) << auth;
    EXPECT_EQ(a["errorMessage"].as_string(), "Unauthorized");
  }
  now_ms_ += 1800 * 1000 - 1;
  EXPECT_EQ(call("POST", "/api/v2/crmobject/person/find", kFind, "Bearer " + token).status, 200);
  now_ms_ += 1;
  Answer expired = call("POST", "/api/v2/crmobject/person/find", kFind, "Bearer " + token);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired["errorMessage"].as_string(), "The token expired");
  EXPECT_NE(expired.response.header("www-authenticate").value_or("").find("invalid_token"),
            std::string::npos);
  std::string fresh = login()["accessToken"].as_string();
  EXPECT_EQ(call("POST", "/api/v2/crmobject/person/find", kFind, "Bearer " + fresh).status, 200);
  EXPECT_EQ(call("POST", "/__admin/tokens/expire", "", "").status, 200);
  EXPECT_EQ(call("POST", "/api/v2/crmobject/person/find", kFind, "Bearer " + fresh).status, 401);
}

TEST_F(PgTest, RepeatedBadLoginsLockTheUserEvenWithTheRightPassword) {
  for (int i = 0; i < 4; ++i) EXPECT_EQ(login("admin", "wrong").status, 401);
  EXPECT_EQ(login().status, 200) << "a good login clears the count";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(login("admin", "wrong").status, 401) << i;
  Answer locked = login();
  EXPECT_EQ(locked.status, 403);
  EXPECT_EQ(locked["errorMessage"].as_string(), "too many login attempts");
  now_ms_ += 900 * 1000;
  EXPECT_EQ(login().status, 200) << "the lockout ends";
  EXPECT_EQ(login("someone", "demo-password").status, 401);
}

TEST_F(PgTest, AnUnlicensedModuleIs402) {
  auto o = default_options();
  o.unlicensed = {"MobileApp"};
  start(o);
  Answer a = login();
  EXPECT_EQ(a.status, 402);
  EXPECT_EQ(a["errorMessage"].as_string(), "MobileApp module not available");
  EXPECT_EQ(login("admin", "wrong").status, 401) << "credentials are checked first";

  start(default_options());
  ASSERT_EQ(call("POST", "/__admin/licence", R"({"quote":false})", "").status, 200);
  Answer quote = api("crmobject/quote/sales/find", kFind);
  EXPECT_EQ(quote.status, 402);
  EXPECT_EQ(quote["errorMessage"].as_string(), "quote module not available");
  EXPECT_EQ(api("crmobject/person/find", kFind).status, 200);
  call("POST", "/__admin/licence", R"({"quote":true})", "");
  EXPECT_EQ(api("crmobject/quote/sales/find", kFind).status, 200);
}

TEST_F(PgTest, FaultsHitTheApiButNeverAdminAndTheLogHoldsNoToken) {
  std::string token = login()["accessToken"].as_string();
  call("POST", "/__admin/faults", R"({"rate_500":1})", "");
  EXPECT_EQ(call("POST", "/api/v2/crmobject/person/find", kFind, "Bearer " + token).status, 500);
  EXPECT_EQ(login().status, 500);
  EXPECT_EQ(call("GET", "/__admin/person", "", "").status, 200);
  call("POST", "/__admin/faults", R"({"rate_429":1})", "");
  Answer limited = call("POST", "/api/v2/crmobject/person/find", kFind, "Bearer " + token);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.response.header("retry-after").value_or(""), "1");
  call("POST", "/__admin/faults", R"({"rate_503":1})", "");
  EXPECT_EQ(call("POST", "/api/v2/crmobject/person/find", kFind, "Bearer " + token).status, 503);
  call("POST", "/__admin/faults", R"({"reset_rate":1})", "");
  EXPECT_TRUE(
      call("POST", "/api/v2/crmobject/person/find", kFind, "Bearer " + token).transport_failed);
  call("POST", "/__admin/faults", R"({"latency_ms":120})", "");
  auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(call("POST", "/api/v2/crmobject/person/find", kFind, "Bearer " + token).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(120));
  Answer log = call("GET", "/__admin/requests?limit=50", "", "");
  EXPECT_EQ(log.response.body.find(token), std::string::npos);
  EXPECT_EQ(call("GET", "/__admin/counters", "", "")["POST /api/v2/crmobject/person/find"].as_int(),
            5);
}

}  // namespace
}  // namespace crmsync::sandbox::payamgostar::testing
