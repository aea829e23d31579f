#include <gtest/gtest.h>

#include "sandbox_client.h"

namespace crmsync::sandbox::salesforce {
namespace {

constexpr const char* kApi = "/services/data/v60.0";

TEST(SalesforceSandboxHttp, EveryDataAnswerCarriesLimitInfo) {
  SandboxClient c;
  auto r = c.send("GET", std::string(kApi) + "/limits");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Sforce-Limit-Info"), "api-usage=1/100000");
  EXPECT_EQ(r.header("Content-Type"), "application/json;charset=UTF-8");
  auto bad = c.send("GET", std::string(kApi) + "/sobjects/Nope/describe");
  EXPECT_EQ(bad.status, 404);
  EXPECT_EQ(bad.header("Sforce-Limit-Info"), "api-usage=2/100000");
}

TEST(SalesforceSandboxHttp, BadTokenIs401InvalidSession) {
  SandboxClient c;
  c.token = "00Dnot-a-token";
  auto r = c.send("GET", std::string(kApi) + "/limits");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(error_code(*parse_json(r.body)), "INVALID_SESSION_ID");
  EXPECT_EQ(c.send("GET", "/services/data/", "", false).status, 200);  // versions need no session
}

TEST(SalesforceSandboxHttp, SessionsExpireAfterTheirLifetime) {
  int64_t now = DateTime::parse("2024-03-15T10:00:00Z")->micros;
  SalesforceSandboxOptions o;
  o.clock = [&now] { return now; };
  o.session_timeout_secs = 60;
  SandboxClient c(o);
  EXPECT_EQ(c.send("GET", std::string(kApi) + "/limits").status, 200);
  now += 61'000'000;
  EXPECT_EQ(c.send("GET", std::string(kApi) + "/limits").status, 401);
  c.token = c.login();
  EXPECT_EQ(c.send("GET", std::string(kApi) + "/limits").status, 200);
}

TEST(SalesforceSandboxHttp, DailyLimitGives403RequestLimitExceeded) {
  SalesforceSandboxOptions o;
  o.daily_api_limit = 3;
  SandboxClient c(o);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.send("GET", std::string(kApi) + "/limits").status, 200);
  auto r = c.send("GET", std::string(kApi) + "/limits");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(error_code(*parse_json(r.body)), "REQUEST_LIMIT_EXCEEDED");
  EXPECT_EQ(r.header("Sforce-Limit-Info"), "api-usage=3/3");
}

TEST(SalesforceSandboxHttp, QueryPagesWithBatchSizeAndNextRecordsUrl) {
  SalesforceSandboxOptions o;
  o.seed_records = 450;
  SandboxClient c(o);
  net::HttpHeaders h;
  h.emplace("Sforce-Query-Options", "batchSize=200");
  auto first =
      c.send("GET", std::string(kApi) + "/query?q=SELECT+Id,Name+FROM+Account+ORDER+BY+Name", "",
             true, "", h);
  auto page = *parse_json(first.body);
  EXPECT_EQ(page.find("totalSize")->as_int(), 450);
  std::set<std::string> ids;
  int pages = 0;
  while (true) {
    ++pages;
    for (const Value& r : page.find("records")->as_array()) ids.insert(r.find("Id")->as_string());
    if (page.find("done")->as_bool()) break;
    std::string next = page.find("nextRecordsUrl")->as_string();
    EXPECT_EQ(next.rfind("/services/data/v60.0/query/01g", 0), 0u) << next;
    page = c.json("GET", next, "", 200);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(ids.size(), 450u);
  auto gone = c.json("GET", std::string(kApi) + "/query/01gSb0000000zzzAAA-200", "", 400);
  EXPECT_EQ(error_code(gone), "INVALID_QUERY_LOCATOR");
}

TEST(SalesforceSandboxHttp, CollectionsAllOrNoneRollsBackEveryRecord) {
  SandboxClient c;
  auto r = c.json("POST", std::string(kApi) + "/composite/sobjects",
                  R"({"allOrNone":true,"records":[
                    {"attributes":{"type":"Contact"},"LastName":"Kept?"},
                    {"attributes":{"type":"Contact"},"FirstName":"NoLastName"}]})",
                  200);
  ASSERT_EQ(r.as_array().size(), 2u);
  EXPECT_EQ(r.as_array()[0].find("errors")->as_array()[0].find("statusCode")->as_string(),
            "ALL_OR_NONE_OPERATION_ROLLED_BACK");
  EXPECT_EQ(r.as_array()[1].find("errors")->as_array()[0].find("statusCode")->as_string(),
            "REQUIRED_FIELD_MISSING");
  auto count = c.json("GET", std::string(kApi) + "/query?q=SELECT+COUNT()+FROM+Contact", "", 200);
  EXPECT_EQ(count.find("totalSize")->as_int(), 0);
  EXPECT_TRUE(count.find("records")->as_array().empty());
  // COUNT(Id): one AggregateResult record with the count in expr0.
  auto agg = c.json("GET", std::string(kApi) + "/query?q=SELECT+COUNT(Id)+FROM+Contact", "", 200);
  EXPECT_EQ(to_json(agg),
            R"({"totalSize":1,"done":true,"records":[{"attributes":{"type":"AggregateResult"},)"
            R"("expr0":0}]})");
  std::string many = R"({"records":[)";
  for (int i = 0; i < 201; ++i)
    many += std::string(i ? "," : "") + R"({"attributes":{"type":"Account"},"Name":"x"})";
  EXPECT_EQ(error_code(c.json("POST", std::string(kApi) + "/composite/sobjects", many + "]}", 400)),
            "EXCEEDED_ID_LIMIT");
}

TEST(SalesforceSandboxHttp, UpsertAnswers201Then200And300OnSeveralMatches) {
  SandboxClient c;
  std::string path = std::string(kApi) + "/sobjects/Loan__c/Loan_Number__c/LN-77";
  auto created = c.json("PATCH", path, R"({"Name":"L77"})", 201);
  EXPECT_EQ(created.find("created")->as_bool(), true);
  auto updated = c.json("PATCH", path, R"({"Name":"L77b"})", 200);
  EXPECT_EQ(updated.find("created")->as_bool(), false);
  EXPECT_EQ(updated.find("id")->as_string(), created.find("id")->as_string());
  c.json("POST", std::string(kApi) + "/sobjects/Account", R"({"Name":"A","Legacy_Id__c":"L"})",
         201);
  c.json("POST", std::string(kApi) + "/sobjects/Account", R"({"Name":"B","Legacy_Id__c":"L"})",
         201);
  auto multi = c.json("PATCH", std::string(kApi) + "/sobjects/Account/Legacy_Id__c/L",
                      R"({"Name":"C"})", 300);
  EXPECT_EQ(multi.as_array().size(), 2u);
  auto dup = c.json("POST", std::string(kApi) + "/sobjects/Loan__c",
                    R"({"Name":"D","Loan_Number__c":"ln-77"})", 400);
  EXPECT_EQ(error_code(dup), "DUPLICATE_VALUE");
}

TEST(SalesforceSandboxHttp, InjectedFaultsAndUiEditsThroughAdmin) {
  SandboxClient c;
  auto set = c.send("PUT", "/__admin/faults", R"({"rate_503":1})", false);
  EXPECT_EQ(set.status, 200);
  auto r = c.send("GET", std::string(kApi) + "/limits");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(error_code(*parse_json(r.body)), "SERVER_UNAVAILABLE");
  c.send("PUT", "/__admin/faults", R"({"rate_503":0})", false);
  auto made = c.send("POST", "/__admin/records/Account", R"({"Name":"From the UI"})", false);
  EXPECT_EQ(made.status, 201);
  std::string id = parse_json(made.body)->find("id")->as_string();
  auto row = c.json("GET", std::string(kApi) + "/sobjects/Account/" + id + "?fields=Name,OwnerId",
                    "", 200);
  EXPECT_EQ(row.find("Name")->as_string(), "From the UI");
  auto counters = *parse_json(c.send("GET", "/__admin/counters", "", false).body);
  EXPECT_EQ(counters.find("endpoints")->find("sobject.retrieve")->as_int(), 1);
  EXPECT_EQ(c.send("POST", "/__admin/reset", "", false).status, 200);
  c.token = c.login();
  EXPECT_EQ(c.send("GET", std::string(kApi) + "/sobjects/Account/" + id).status, 404);
}

}  // namespace
}  // namespace crmsync::sandbox::salesforce
