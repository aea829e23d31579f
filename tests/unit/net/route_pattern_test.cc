#include "net/route_pattern.h"

#include <gtest/gtest.h>

// std::regex is the oracle here (what the server used before). GCC 12 reports
// false "maybe-uninitialized" warnings inside it (GCC bug 105562).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>

namespace crmsync::net {
namespace {

// The routes' own patterns, each against paths that match and paths that
// do not; std::regex_match (what the server used before) is the oracle.
TEST(RoutePattern, AgreesWithStdRegexOnTheRoutesPatterns) {
  const std::vector<std::string> patterns = {
      "/.*",
      "/?",
      "/services/data/?",
      "/services/data/v(\\d+\\.\\d+)/composite/?",
      "/services/Soap/u/(\\d+\\.\\d+)(?:/.*)?",
      "/query(?:All)?/([^/]+)",
      "/sobjects/([^/]+)/([^/]+)/(.+)",
      "/sobjects/([^/]+)/([^/]+)/?",
      "/cometd/v?[0-9]+\\.[0-9]+/?",
      "/([^/]+)/(successfulResults|failedResults|unprocessedrecords)/?",
      "/v1/(persons|organizations|deals|notes|activities|products)/(\\d+)",
      "/api/v2/(personFields|organizationFields|dealFields|productFields)/([A-Za-z0-9_]+)",
      "/api/v2/(persons|organizations|deals|products)/search",
  };
  const std::vector<std::string> paths = {
      "/",
      "",
      "/services/data",
      "/services/data/",
      "/services/data/v59.0/composite",
      "/services/data/v59.0/composite/",
      "/services/data/v59/composite",
      "/services/Soap/u/59.0",
      "/services/Soap/u/59.0/00D",
      "/services/Soap/u/59.0x",
      "/query/01gxx",
      "/queryAll/01gxx",
      "/queryAl/01gxx",
      "/query/a/b",
      "/sobjects/Account/001/rel",
      "/sobjects/Account/001/a/b",
      "/sobjects/Account/001/",
      "/sobjects/Account/001",
      "/sobjects/Account",
      "/cometd/59.0",
      "/cometd/v59.0/",
      "/cometd/v.0",
      "/750x/successfulResults",
      "/750x/failedResults/",
      "/750x/other",
      "/v1/persons/17",
      "/v1/persons/17a",
      "/v1/people/17",
      "/v1/persons/",
      "/api/v2/dealFields/abc_1",
      "/api/v2/dealFields/a-b",
      "/api/v2/deals/search",
      "/api/v2/deals/search/x",
      "/\xff\xfe",
      "/v1/persons/\xd9\x85",
  };
  for (const auto& pattern : patterns) {
    auto compiled = RoutePattern::compile(pattern);
    ASSERT_TRUE(compiled.ok()) << pattern;
    std::regex oracle(pattern);
    for (const auto& path : paths) {
      std::smatch expected;
      bool want = std::regex_match(path, expected, oracle);
      std::vector<std::string> got;
      ASSERT_EQ(compiled->match(path, got), want) << pattern << " on " << path;
      if (!want) continue;
      ASSERT_EQ(got.size(), expected.size()) << pattern << " on " << path;
      for (size_t i = 0; i < got.size(); ++i)
        EXPECT_EQ(got[i], expected[i].str()) << pattern << " on " << path << " group " << i;
    }
  }
}

TEST(RoutePattern, RefusesWhatItCannotRead) {
  for (const char* bad : {"/a(b", "/a[b", "/a)b", "/a{2}", "^/a", "/a\\"})
    EXPECT_FALSE(RoutePattern::compile(bad).ok()) << bad;
}

TEST(RoutePattern, LiteralRunsFilterBeforeMatching) {
  auto p = RoutePattern::compile("/services/data/v(\\d+)/composite/?");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->literals(), (std::vector<std::string>{"/services/data/v", "/composite"}));
}

}  // namespace
}  // namespace crmsync::net
