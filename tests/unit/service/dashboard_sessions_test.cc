// DashboardSessions: idle expiry on the injected clock, CSRF on
// state-changing requests, the cookie's attributes.
#include "service/dashboard_sessions.h"

#include <gtest/gtest.h>

namespace crmsync::service {
namespace {

constexpr int64_t kHour = int64_t{3600} * 1'000'000;

net::HttpRequest request(std::string method, std::string cookie = "", std::string csrf = "") {
  net::HttpRequest r;
  r.method = std::move(method);
  r.path = "/api/v1/runs";
  if (!cookie.empty()) r.headers.emplace("Cookie", "theme=dark; crmsync_session=" + cookie);
  if (!csrf.empty()) r.headers.emplace("X-CSRF-Token", csrf);
  return r;
}

TEST(DashboardSessions, EndsAfterTwelveHoursIdleAndUseKeepsItAlive) {
  ManualClock clock(1'000'000);
  DashboardSessions sessions(clock);
  auto s = sessions.create();
  EXPECT_EQ(s.id.size(), 64u);
  EXPECT_EQ(s.csrf.size(), 64u);
  EXPECT_NE(s.id, s.csrf);

  clock.advance_micros(11 * kHour);
  EXPECT_EQ(sessions.touch(s.id), s.csrf);  // used: idle counts from here
  clock.advance_micros(11 * kHour);
  EXPECT_EQ(sessions.touch(s.id), s.csrf);
  clock.advance_micros(12 * kHour);
  EXPECT_EQ(sessions.touch(s.id), std::nullopt);
  EXPECT_EQ(sessions.size(), 0u);
}

TEST(DashboardSessions, UnknownAndEndedSessionsAreRefused) {
  ManualClock clock(0);
  DashboardSessions sessions(clock);
  auto s = sessions.create();
  EXPECT_EQ(sessions.touch(std::string(64, '0')), std::nullopt);
  sessions.end(s.id);
  EXPECT_EQ(sessions.touch(s.id), std::nullopt);
}

TEST(DashboardSessions, PastTheLimitTheLeastRecentlyUsedEnds) {
  ManualClock clock(0);
  DashboardSessions sessions(clock, DashboardSessions::kIdleMicros, 2);
  auto a = sessions.create();
  clock.advance_micros(1);
  auto b = sessions.create();
  clock.advance_micros(1);
  ASSERT_TRUE(sessions.touch(a.id));  // b is now the least recently used
  auto c = sessions.create();
  EXPECT_TRUE(sessions.touch(a.id));
  EXPECT_FALSE(sessions.touch(b.id));
  EXPECT_TRUE(sessions.touch(c.id));
}

TEST(DashboardSessions, CookieIsReadAmongOthers) {
  net::HttpRequest r = request("GET", "abc");
  EXPECT_EQ(session_cookie(r), "abc");
  EXPECT_EQ(session_cookie(request("GET")), std::nullopt);
}

TEST(DashboardSessions, SetCookieIsHttpOnlyStrictAndSecureOnTls) {
  std::string plain = session_set_cookie("abc", false);
  EXPECT_NE(plain.find("crmsync_session=abc"), std::string::npos);
  EXPECT_NE(plain.find("HttpOnly"), std::string::npos);
  EXPECT_NE(plain.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(plain.find("Secure"), std::string::npos);
  EXPECT_NE(session_set_cookie("abc", true).find("; Secure"), std::string::npos);
  EXPECT_NE(session_set_cookie("", false).find("Max-Age=0"), std::string::npos);
}

TEST(DashboardSessions, StateChangingRequestsNeedTheSessionsCsrfToken) {
  ManualClock clock(0);
  DashboardSessions sessions(clock);
  auto s = sessions.create();
  auto other = sessions.create();

  SessionVerdict get = check_session(sessions, request("GET", s.id));
  EXPECT_TRUE(get.handled);
  EXPECT_FALSE(get.refusal);

  for (const std::string& csrf : {std::string(), other.csrf, s.csrf.substr(1)}) {
    SessionVerdict post = check_session(sessions, request("POST", s.id, csrf));
    EXPECT_TRUE(post.handled);
    ASSERT_TRUE(post.refusal) << "csrf '" << csrf << "'";
    EXPECT_EQ(post.refusal->status, 403);
    EXPECT_NE(post.refusal->body.find("csrf_failed"), std::string::npos);
  }
  SessionVerdict ok = check_session(sessions, request("POST", s.id, s.csrf));
  EXPECT_TRUE(ok.handled);
  EXPECT_FALSE(ok.refusal);
}

TEST(DashboardSessions, ADeadSessionIs401AndABearerRequestIsNotASessionRequest) {
  ManualClock clock(0);
  DashboardSessions sessions(clock);
  SessionVerdict dead = check_session(sessions, request("GET", std::string(64, 'a')));
  EXPECT_TRUE(dead.handled);
  ASSERT_TRUE(dead.refusal);
  EXPECT_EQ(dead.refusal->status, 401);

  net::HttpRequest bearer = request("POST", std::string(64, 'a'));
  bearer.headers.emplace("Authorization", "Bearer x");
  EXPECT_FALSE(check_session(sessions, bearer).handled);
  EXPECT_FALSE(check_session(sessions, request("POST")).handled);
}

}  // namespace
}  // namespace crmsync::service
