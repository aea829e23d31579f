#include "net/url.h"

#include <gtest/gtest.h>

#include "net/http_headers.h"

namespace crmsync::net {
namespace {

TEST(UrlEncode, KeepsUnreservedEncodesTheRest) {
  EXPECT_EQ(url_encode("a-Z_0.~"), "a-Z_0.~");
  EXPECT_EQ(url_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(url_decode("a%20b+c%2f%zz"), "a b c/%zz");
  EXPECT_EQ(url_decode("a+b", false), "a+b");
}

TEST(QueryBuilder, AppendsEncodedPairsInOrder) {
  QueryBuilder q;
  q.add("term", "Ann Lee").add("limit", 500).add("fields", "custom_fields,email");
  EXPECT_EQ(q.query(), "term=Ann%20Lee&limit=500&fields=custom_fields%2Cemail");
  EXPECT_EQ(q.url("http://h/p"),
            "http://h/p?term=Ann%20Lee&limit=500&fields=custom_fields%2Cemail");
  EXPECT_EQ(q.url("http://h/p?a=1"),
            "http://h/p?a=1&term=Ann%20Lee&limit=500&fields=custom_fields%2Cemail");
  EXPECT_EQ(QueryBuilder().url("http://h/p"), "http://h/p");
}

TEST(RedactUrl, HidesCredentialParameters) {
  EXPECT_EQ(redact_url("http://h/v1/persons?start=0&api_token=abc123&limit=5"),
            "http://h/v1/persons?start=0&api_token=REDACTED&limit=5");
  EXPECT_EQ(redact_url("http://h/x?Access_Token=zz"), "http://h/x?Access_Token=REDACTED");
  EXPECT_EQ(redact_url("http://h/x"), "http://h/x");
}

TEST(HttpHeaders, LookupIgnoresCase) {
  HttpHeaders headers;
  headers.emplace("X-RateLimit-Remaining", "3");
  EXPECT_EQ(find_header(headers, "x-ratelimit-remaining"), "3");
  set_header(headers, "X-RATELIMIT-REMAINING", "2");
  EXPECT_EQ(headers.size(), 1u);
  EXPECT_EQ(find_header(headers, "x-ratelimit-remaining"), "2");
  EXPECT_FALSE(find_header(headers, "missing").has_value());
  EXPECT_TRUE(is_secret_header("Authorization"));
  EXPECT_TRUE(is_secret_header("X-Api-Token"));
  EXPECT_FALSE(is_secret_header("Content-Type"));
}

}  // namespace
}  // namespace crmsync::net
