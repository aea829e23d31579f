#include "net/http_status.h"

#include <gtest/gtest.h>

#include <chrono>

namespace crmsync::net {
namespace {

ErrorKind kind_of(int status) {
  return classify_http_status(status, {}, "");
}

TEST(ClassifyHttpStatus, RetryableAuthRejectedFatal) {
  EXPECT_EQ(kind_of(429), ErrorKind::retryable);
  EXPECT_EQ(kind_of(408), ErrorKind::retryable);
  EXPECT_EQ(kind_of(500), ErrorKind::retryable);
  EXPECT_EQ(kind_of(503), ErrorKind::retryable);
  EXPECT_EQ(kind_of(401), ErrorKind::auth);
  EXPECT_EQ(kind_of(400), ErrorKind::rejected);
  EXPECT_EQ(kind_of(404), ErrorKind::rejected);
  EXPECT_EQ(kind_of(409), ErrorKind::rejected);
  EXPECT_EQ(kind_of(422), ErrorKind::rejected);
  EXPECT_EQ(kind_of(403), ErrorKind::fatal);
}

TEST(ClassifyHttpStatus, ForbiddenFollowsThePolicy) {
  HttpStatusPolicy policy;
  policy.forbidden = ErrorKind::retryable;
  EXPECT_EQ(classify_http_status(403, {}, "", policy), ErrorKind::retryable);
}

TEST(ParseRetryAfter, SecondsAndHttpDates) {
  auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parse_retry_after("120", now), 120.0);
  EXPECT_EQ(parse_retry_after(" 0 ", now), 0.0);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now), 30.0);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:40:00 GMT", now), 0.0);  // past: no wait
  EXPECT_FALSE(parse_retry_after("soon", now).has_value());
  EXPECT_FALSE(parse_retry_after("", now).has_value());
  EXPECT_FALSE(parse_retry_after("-5", now).has_value());
}

TEST(HttpStatusError, CarriesKindWaitAndTheApiMessageButNoHeaders) {
  HttpResponse response;
  response.status = 429;
  response.headers.emplace("retry-after", "7");
  response.headers.emplace("x-api-token", "secret-token-123");
  response.body = R"({"success":false,"error":"Too many requests"})";
  Error error = http_status_error(response, "GET /api/v2/persons");
  EXPECT_EQ(error.kind, ErrorKind::retryable);
  EXPECT_EQ(error.retry_after_secs, 7.0);
  EXPECT_NE(error.message.find("GET /api/v2/persons: HTTP 429"), std::string::npos);
  EXPECT_NE(error.message.find("Too many requests"), std::string::npos);
  EXPECT_EQ(error.message.find("secret-token-123"), std::string::npos);
}

}  // namespace
}  // namespace crmsync::net
