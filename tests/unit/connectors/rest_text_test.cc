#include "connectors/rest/rest_text.h"

#include <gtest/gtest.h>

#include "core/json.h"

namespace crmsync {
namespace {

// Expected digests from RFC 1321 appendix A.5 (checked with md5sum).
TEST(RestText, Md5MatchesRfc1321Vectors) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(md5_hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(
      md5_hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
      "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(RestText, Base64) {
  EXPECT_EQ(base64_encode("user:pass"), "dXNlcjpwYXNz");
  EXPECT_EQ(base64_encode("a"), "YQ==");
  EXPECT_EQ(base64_encode("ab"), "YWI=");
}

TEST(RestText, JsonPointer) {
  auto v = parse_json(R"({"a": {"b/c": [10, {"~d": 7}]}, "": 1})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(json_pointer(*v, ""), &*v);
  EXPECT_EQ(json_pointer(*v, "/a/b~1c/0")->to_text(), "10");
  EXPECT_EQ(json_pointer(*v, "/a/b~1c/1/~0d")->to_text(), "7");
  EXPECT_EQ(json_pointer(*v, "/a/b~1c/2"), nullptr);
  EXPECT_EQ(json_pointer(*v, "/a/x"), nullptr);
  EXPECT_EQ(json_pointer(*v, "a"), nullptr);
}

TEST(RestText, NextLinkAmongSeveralRelations) {
  net::HttpHeaders h;
  h.emplace("link",
            "<http://x/c?_page=1&_limit=2>; rel=\"first\", <http://x/c?_page=3&_limit=2>; "
            "rel=\"next\", <http://x/c?_page=9&_limit=2>; rel=\"last\"");
  EXPECT_EQ(next_link(h).value_or(""), "http://x/c?_page=3&_limit=2");
  net::HttpHeaders last;
  last.emplace("Link", "<http://x/c?_page=1>; rel=\"first\", <http://x/c?_page=1>; rel=\"prev\"");
  EXPECT_FALSE(next_link(last).has_value());
}

TEST(RestText, ResolveUrl) {
  EXPECT_EQ(resolve_url("http://h:1/api", "/things"), "http://h:1/api/things");
  EXPECT_EQ(resolve_url("http://h:1/api", "/api/things?page=2"), "http://h:1/api/things?page=2");
  EXPECT_EQ(resolve_url("http://h:1/api", "https://o/x"), "https://o/x");
  EXPECT_EQ(resolve_url("http://h:1", "/things?p=2"), "http://h:1/things?p=2");
}

}  // namespace
}  // namespace crmsync
