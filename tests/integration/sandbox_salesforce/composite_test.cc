#include <gtest/gtest.h>

#include "sandbox_client.h"

namespace crmsync::sandbox::salesforce {
namespace {

constexpr const char* kV = "/services/data/v60.0";

TEST(SalesforceSandboxComposite, LaterSubrequestsUseEarlierIds) {
  SandboxClient c;
  auto r = c.json("POST", std::string(kV) + "/composite", R"({"compositeRequest":[
    {"method":"POST","url":"/services/data/v60.0/sobjects/Account","referenceId":"acc","body":{"Name":"Parent"}},
    {"method":"POST","url":"/services/data/v60.0/sobjects/Contact","referenceId":"con","body":{"LastName":"Kid","AccountId":"@{acc.id}"}},
    {"method":"GET","url":"/services/data/v60.0/query?q=SELECT+Account.Name+FROM+Contact+WHERE+Id='@{con.id}'","referenceId":"q"}]})",
                  200);
  const Array& subs = r.find("compositeResponse")->as_array();
  ASSERT_EQ(subs.size(), 3u);
  EXPECT_EQ(subs[0].find("httpStatusCode")->as_int(), 201);
  EXPECT_EQ(subs[1].find("httpStatusCode")->as_int(), 201);
  EXPECT_NE(subs[1].find("httpHeaders")->find("Location"), nullptr);
  const Value& rec = subs[2].find("body")->find("records")->as_array().at(0);
  EXPECT_EQ(rec.find("Account")->find("Name")->as_string(), "Parent");
}

TEST(SalesforceSandboxComposite, AllOrNoneUndoesEarlierSubrequests) {
  SandboxClient c;
  auto r = c.json("POST", std::string(kV) + "/composite", R"({"allOrNone":true,"compositeRequest":[
    {"method":"POST","url":"/services/data/v60.0/sobjects/Account","referenceId":"acc","body":{"Name":"Undone"}},
    {"method":"POST","url":"/services/data/v60.0/sobjects/Contact","referenceId":"bad","body":{"FirstName":"NoLast"}},
    {"method":"POST","url":"/services/data/v60.0/sobjects/Account","referenceId":"after","body":{"Name":"Never"}}]})",
                  200);
  const Array& subs = r.find("compositeResponse")->as_array();
  EXPECT_EQ(error_code(*subs[0].find("body")), "PROCESSING_HALTED");
  EXPECT_EQ(error_code(*subs[1].find("body")), "REQUIRED_FIELD_MISSING");
  EXPECT_EQ(error_code(*subs[2].find("body")), "PROCESSING_HALTED");
  auto count = c.json("GET", std::string(kV) + "/query?q=SELECT+COUNT()+FROM+Account", "", 200);
  EXPECT_EQ(count.find("totalSize")->as_int(), 0);
  // The store is usable again afterwards (the outer transaction released its lock).
  c.json("POST", std::string(kV) + "/sobjects/Account", R"({"Name":"After"})", 201);
}

}  // namespace
}  // namespace crmsync::sandbox::salesforce
