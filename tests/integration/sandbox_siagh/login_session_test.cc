// Siagh's login (upper-case MD5 password, 32-hex SessionId, Token =
// "<SessionId>:0", Jalali dates) and the raw-Authorization session with its
// idle expiry on the sandbox's clock.
#include "sandbox/common/jalali.h"
#include "siagh_fixture.h"

namespace crmsync::sandbox::siagh::testing {
namespace {

bool is_lower_hex32(const std::string& s) {
  return s.size() == 32 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST_F(SiaghTest, LoginTakesTheUpperCaseMd5AndAnswersASessionAndJalaliDates) {
  EXPECT_EQ(siagh_password_hash("x"), "9DD4E461268C8034F5C8564E155C67A6");
  Answer a = login();
  ASSERT_EQ(a.status, 200) << a.response.body;
  std::string sid = a["SessionId"].as_string();
  EXPECT_TRUE(is_lower_hex32(sid)) << sid;
  EXPECT_EQ(a["Token"].as_string(), sid + ":0");
  EXPECT_EQ(a["UserName"].as_string(), "admin");
  EXPECT_EQ(a["FiscalYear"].as_int(), 1404);
  EXPECT_EQ(a["SystemDate"].as_string(), "1404/09/04");
  EXPECT_EQ(a["SystemTime"].as_string(), "17:33");
  for (const char* key : {"ContactCode", "ContactName", "UserCode", "BranchCode", "BranchName",
                          "IsAdminUser", "MobileNo"})
    EXPECT_NE(a.json.find(key), nullptr) << key;
  EXPECT_NE(login()["SessionId"].as_string(), sid) << "each login opens its own session";
}

TEST_F(SiaghTest, LoginRefusesAPlainALowerCaseOrAWrongPassword) {
  for (const std::string& password :
       {std::string("x"), std::string("9dd4e461268c8034f5c8564e155c67a6"),
        siagh_password_hash("y")}) {
    Answer a = login("admin", password);
    EXPECT_EQ(a.status, 401) << password;
    EXPECT_EQ(a.response.body, R"({"Message":"Invalid username or password"})");
  }
  EXPECT_EQ(login("Admin").status, 401) << "the user name matches exactly";
}

TEST_F(SiaghTest, APersianUserNameMatchesByteForByte) {
  auto o = default_options();
  o.user_name = "مدیر سیستم";
  o.password = "رمز";
  start(o);
  Answer a = login("مدیر سیستم", "A7DAE77BED9996C2B1816264AE4868B7");
  ASSERT_EQ(a.status, 200) << a.response.body;
  EXPECT_EQ(a["UserName"].as_string(), "مدیر سیستم");
  EXPECT_NE(a.response.body.find("مدیر سیستم"), std::string::npos) << "raw UTF-8, not \\u escapes";
  EXPECT_EQ(login("مدير سیستم", "A7DAE77BED9996C2B1816264AE4868B7").status, 401)
      << "Arabic yeh is another user";
}

TEST_F(SiaghTest, CallsTakeTheRawSessionIdOnlyNeitherBearerNorToken) {
  std::string sid = session();
  EXPECT_EQ(call("GET", "/api/Sgh/GEN/Gn_Web_Users/GetAll", "", sid).status, 200);
  for (const std::string& auth : {"Bearer " + sid, sid + ":0", std::string(""),
                                  std::string("5e311c4b2eab409ca7c3ceaf5954d0a5")}) {
    Answer a = call("GET", "/api/Sgh/GEN/Gn_Web_Users/GetAll", "", auth);
    EXPECT_EQ(a.status, 401) << auth;
    EXPECT_EQ(a["Message"].as_string(), "Authorization has been denied for this request.");
  }
}

TEST_F(SiaghTest, ASessionExpiresAfterItsIdleTimeAndALoginStartsAnother) {
  std::string sid = session();
  now_ += 1800;  // exactly the idle time: still alive, and used again
  EXPECT_EQ(call("POST", "/api/Sgh/GEN/Gn_Web_Users/GetAll", "{}", sid).status, 200);
  now_ += 1800;  // idle from the last use, not from the login
  EXPECT_EQ(call("POST", "/api/Sgh/GEN/Gn_Web_Users/GetAll", "{}", sid).status, 200);
  now_ += 1801;
  Answer expired = call("POST", "/api/Sgh/GEN/Gn_Web_Users/GetAll", "{}", sid);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.response.body, R"({"Message":"SessionId expired"})");
  std::string again = session();
  EXPECT_EQ(call("POST", "/api/Sgh/GEN/Gn_Web_Users/GetAll", "{}", again).status, 200);
}

TEST_F(SiaghTest, ARestartEndsEverySession) {
  std::string sid = session();
  EXPECT_EQ(call("POST", "/__admin/sessions/expire", "", "").status, 200);
  EXPECT_EQ(call("POST", "/api/Sgh/GEN/Gn_Web_Users/GetAll", "{}", sid).status, 401);
}

TEST_F(SiaghTest, TheFiscalYearFollowsTehransNewYearOrTheOption) {
  now_ = 1742502599;  // 2025-03-20 23:59:59 in Tehran: the last day of 1403
  EXPECT_EQ(login()["FiscalYear"].as_int(), 1403);
  EXPECT_EQ(login()["SystemDate"].as_string(), "1403/12/30");
  now_ = 1742502600;  // Nowruz
  EXPECT_EQ(login()["FiscalYear"].as_int(), 1404);
  EXPECT_EQ(login()["SystemDate"].as_string(), "1404/01/01");
  auto o = default_options();
  o.fiscal_year = 1402;
  start(o);
  EXPECT_EQ(login()["FiscalYear"].as_int(), 1402);
}

TEST(Jalali, KnownDates) {
  auto text = [](int y, int m, int d) { return jalali_text(gregorian_to_jalali(y, m, d)); };
  EXPECT_EQ(text(2025, 3, 21), "1404/01/01");
  EXPECT_EQ(text(2025, 11, 25), "1404/09/04");
  EXPECT_EQ(text(2024, 3, 20), "1403/01/01");
  EXPECT_EQ(text(2025, 3, 20), "1403/12/30");  // 1403 is a leap year
  EXPECT_EQ(text(2026, 3, 20), "1404/12/29");
  EXPECT_EQ(text(2026, 3, 21), "1405/01/01");
  EXPECT_EQ(tehran_local_iso(int64_t{1764079380} * 1000 + 173), "2025-11-25T17:33:00.173");
}

}  // namespace
}  // namespace crmsync::sandbox::siagh::testing
