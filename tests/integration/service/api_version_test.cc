// GET /api/v1/version: what runs (service/build_info.h), behind the token.
#include "api_harness.h"

namespace crmsync::testing {
namespace {

TEST(ApiVersion, NamesVersionCommitBuildTypeAndLibraries) {
  ApiHarness api;
  auto res = api.call("GET", "/api/v1/version");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.header("Content-Type").value_or(""), "application/json; charset=utf-8");
  Value v = ApiHarness::json(res);
  EXPECT_FALSE(at(v, "version").to_text().empty()) << res.body;
  EXPECT_FALSE(at(v, "commit").to_text().empty()) << res.body;
  EXPECT_EQ(at(v, "sanitizers"), Value(true)) << "the tests run the test build: " << res.body;
  for (const char* lib : {"libcurl", "SQLite", "libpq", "OpenSSL", "Lua", "simdjson"}) {
    EXPECT_FALSE(at(at(v, "libraries"), lib).to_text().empty()) << lib << ": " << res.body;
  }
  EXPECT_EQ(api.call("GET", "/api/v1/version", "", "").status, 401);
  EXPECT_EQ(api.call("GET", "/api/v1/version?x=1").status, 400);
}

}  // namespace
}  // namespace crmsync::testing
