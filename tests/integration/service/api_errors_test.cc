// Requests the API refuses: each answer is the JSON error with the right
// status and the field at fault, and nothing is queued.
#include "api_harness.h"

namespace crmsync::testing {
namespace {

struct Refusal {
  int status;
  std::string code;
  std::string field;  // "" for null
};

void expect_refusal(const net::HttpResponse& res, const Refusal& want) {
  EXPECT_EQ(res.status, want.status) << res.body;
  EXPECT_EQ(res.header("Content-Type").value_or(""), "application/json; charset=utf-8");
  Value v = ApiHarness::json(res);
  EXPECT_EQ(at(v, "error.code"), Value(want.code)) << res.body;
  EXPECT_TRUE(at(v, "error.message").is_string());
  if (want.field.empty())
    EXPECT_TRUE(at(v, "error.field").is_null()) << res.body;
  else
    EXPECT_EQ(at(v, "error.field"), Value(want.field)) << res.body;
}

void expect_nothing_queued(ApiHarness& api) {
  auto runs = api.store().runs(50);
  ASSERT_TRUE(runs);
  EXPECT_TRUE(runs->empty());
}

TEST(ApiErrors, BadJsonSaysWhereItBroke) {
  ApiHarness api;
  auto res = api.call("POST", "/api/v1/runs", R"({"flows": ["customers",})");
  expect_refusal(res, {400, "invalid_json", ""});
  EXPECT_NE(at(ApiHarness::json(res), "error.message").as_string().find("byte"), std::string::npos);
  expect_refusal(api.call("POST", "/api/v1/runs", "not json"), {400, "invalid_json", ""});
  expect_nothing_queued(api);
}

TEST(ApiErrors, WrongTypesNameTheField) {
  ApiHarness api;
  expect_refusal(api.call("POST", "/api/v1/runs", R"(["customers"])"), {400, "invalid_type", ""});
  expect_refusal(api.call("POST", "/api/v1/runs", R"({"flows": "customers"})"),
                 {400, "invalid_type", "flows"});
  expect_refusal(api.call("POST", "/api/v1/runs", R"({"flows": ["customers", 7]})"),
                 {400, "invalid_type", "flows[1]"});
  expect_refusal(api.call("POST", "/api/v1/runs", R"({"full": "yes"})"),
                 {400, "invalid_type", "full"});
  expect_refusal(api.call("POST", "/api/v1/runs", R"({"params": {"company": 5}})"),
                 {400, "invalid_type", "params.company"});
  expect_refusal(api.call("POST", "/api/v1/runs", R"({"flows": []})"),
                 {400, "invalid_value", "flows"});
  expect_refusal(api.call("POST", "/api/v1/runs", R"({"full": true, "full": false})"),
                 {400, "duplicate_field", "full"});
  expect_nothing_queued(api);
}

TEST(ApiErrors, UnknownFieldsFlowsAndParamsAreRefused) {
  ApiHarness api;
  expect_refusal(api.call("POST", "/api/v1/runs", R"({"flow": ["customers"]})"),
                 {400, "unknown_field", "flow"});
  expect_refusal(api.call("POST", "/api/v1/runs", R"({"flows": ["customers", "invoices"]})"),
                 {400, "unknown_flow", "flows[1]"});
  expect_refusal(api.call("POST", "/api/v1/runs", R"({"params": {"tenant": "x"}})"),
                 {400, "unknown_param", "params.tenant"});
  expect_nothing_queued(api);
}

TEST(ApiErrors, UnknownRunsAre404) {
  ApiHarness api;
  expect_refusal(api.call("GET", "/api/v1/runs/4242"), {404, "not_found", "id"});
  expect_refusal(api.call("GET", "/api/v1/runs/abc"), {404, "not_found", "id"});
  expect_refusal(api.call("GET", "/api/v1/runs/0"), {404, "not_found", "id"});
  expect_refusal(api.call("GET", "/api/v1/runs/4242/errors"), {404, "not_found", "id"});
  expect_refusal(api.call("POST", "/api/v1/runs/4242/cancel"), {404, "not_found", "id"});
  expect_refusal(api.call("POST", "/api/v1/runs/4242/retry"), {404, "not_found", "id"});
}

TEST(ApiErrors, UnknownRoutesAre404AndWrongMethods405WithAllow) {
  ApiHarness api;
  expect_refusal(api.call("GET", "/api/v1/jobs"), {404, "not_found", ""});
  expect_refusal(api.call("GET", "/nowhere", "", ""), {404, "not_found", ""});

  auto res = api.call("DELETE", "/api/v1/runs");
  expect_refusal(res, {405, "method_not_allowed", ""});
  EXPECT_EQ(res.header("Allow").value_or(""), "GET, HEAD, POST");
  auto cancel = api.call("GET", "/api/v1/runs/1/cancel");
  expect_refusal(cancel, {405, "method_not_allowed", ""});
  EXPECT_EQ(cancel.header("Allow").value_or(""), "POST");
  auto health = api.call("POST", "/healthz", "", "");
  EXPECT_EQ(health.status, 405);
  EXPECT_EQ(health.header("Allow").value_or(""), "GET, HEAD");
}

TEST(ApiErrors, ABodyOver64KiBIs413FromTheServer) {
  ApiHarness api;
  std::string big = R"({"params": {"company": ")" + std::string(70 * 1024, 'x') + "\"}}";
  auto res = api.call("POST", "/api/v1/runs", big);
  EXPECT_EQ(res.status, 413) << res.body.substr(0, 200);
  expect_nothing_queued(api);
}

}  // namespace
}  // namespace crmsync::testing
