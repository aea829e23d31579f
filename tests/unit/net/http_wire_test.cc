#include "net/http_wire.h"

#include <gtest/gtest.h>

namespace crmsync::net {
namespace {

TEST(HttpWire, TargetsDecodeIntoPathAndQuery) {
  HttpRequest req;
  ASSERT_TRUE(parse_target("/a%20b/c+d?x=1+2&y=%26&flag&x=3", req).ok());
  EXPECT_EQ(req.path, "/a b/c+d");
  EXPECT_EQ(req.query.count("x"), 2u);
  EXPECT_EQ(req.query_param("x"), "1 2");
  EXPECT_EQ(req.query_param("y"), "&");
  EXPECT_EQ(req.query_param("flag"), "");
  ASSERT_TRUE(parse_target("http://host:1/p?q=1", req).ok());
  EXPECT_EQ(req.path, "/p");
  ASSERT_TRUE(parse_target("/%D9%85", req).ok());  // UTF-8
}

TEST(HttpWire, BadTargetsAreRefused) {
  HttpRequest req;
  EXPECT_FALSE(parse_target("", req).ok());
  EXPECT_FALSE(parse_target("relative", req).ok());
  EXPECT_FALSE(parse_target("/%FF", req).ok());
  EXPECT_FALSE(parse_target("/%C0%AF", req).ok());     // overlong '/'
  EXPECT_FALSE(parse_target("/%ED%A0%80", req).ok());  // a surrogate
  EXPECT_FALSE(parse_target("/a%00b", req).ok());
  EXPECT_FALSE(parse_target("/%E2%82", req).ok());  // cut short
}

TEST(HttpWire, ServerErrorsAreJson) {
  HttpResponse res = server_error(431, "request headers longer than 10 bytes");
  EXPECT_EQ(res.status, 431);
  EXPECT_EQ(
      res.body,
      R"({"error":"Request Header Fields Too Large","message":"request headers longer than 10 bytes","status":431})");
}

TEST(HttpWire, HeadKeepsTheServersFraming) {
  HttpResponse res;
  res.status = 201;
  res.headers.emplace("Content-Length", "999");
  res.headers.emplace("X-A", "1");
  std::string head = response_head(res, 5, false, true);
  EXPECT_EQ(head,
            "HTTP/1.1 201 Created\r\nX-A: 1\r\nContent-Type: application/json\r\n"
            "Content-Length: 5\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(chunk("hello"), "5\r\nhello\r\n");
  EXPECT_EQ(chunk(""), "0\r\n\r\n");
}

TEST(HttpWire, AccessLogDropsQueryValues) {
  EXPECT_EQ(access_log_line("GET", "/v1/persons?api_token=s3cret&limit=5", 200, 153),
            "GET /v1/persons?api_token&limit 200 153us");
  EXPECT_EQ(access_log_line("POST", "/x", 201, 7), "POST /x 201 7us");
}

}  // namespace
}  // namespace crmsync::net
