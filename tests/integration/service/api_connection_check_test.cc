// POST /api/v1/connections/{name}/check and GET /flows' depends_on.
#include "api_harness.h"

namespace crmsync::testing {
namespace {

TEST(ApiConnectionCheck, ChecksNowAndConnectionsShowsTheResult) {
  ApiHarness api;
  auto res = api.call("POST", "/api/v1/connections/warehouse/check");
  ASSERT_EQ(res.status, 200) << res.body;
  Value body = ApiHarness::json(res);
  EXPECT_EQ(at(body, "name"), Value("warehouse"));
  EXPECT_EQ(at(body, "ok"), Value(true));
  EXPECT_TRUE(at(body, "checked_at").is_string());

  Value list = ApiHarness::json(api.call("GET", "/api/v1/connections"));
  bool seen = false;
  for (const Value& c : at(list, "connections").as_array()) {
    if (at(c, "name") == Value("warehouse")) {
      seen = true;
      EXPECT_EQ(at(c, "checked_at"), at(body, "checked_at"));
    }
  }
  EXPECT_TRUE(seen);
}

TEST(ApiConnectionCheck, AnUnknownConnectionIs404AndTheTokenIsNeeded) {
  ApiHarness api;
  auto res = api.call("POST", "/api/v1/connections/nope/check");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(at(ApiHarness::json(res), "error.code"), Value("unknown_connection"));
  EXPECT_EQ(api.call("POST", "/api/v1/connections/crm/check", "", "").status, 401);
  EXPECT_EQ(api.call("GET", "/api/v1/connections/crm/check").status, 405);
}

TEST(ApiFlowsDependsOn, EveryFlowListsTheFlowsItsRefsNeed) {
  ApiHarness api;
  Value flows = ApiHarness::json(api.call("GET", "/api/v1/flows"));
  for (const Value& f : at(flows, "flows").as_array()) {
    ASSERT_TRUE(at(f, "depends_on").is_array()) << f.to_text();
    EXPECT_TRUE(at(f, "depends_on").as_array().empty());  // the harness's flows have no ref:
  }
}

}  // namespace
}  // namespace crmsync::testing
