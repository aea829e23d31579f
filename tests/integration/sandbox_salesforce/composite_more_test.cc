// composite/batch, composite/tree, composite/graph, search and explain over HTTP.
#include <gtest/gtest.h>

#include "sandbox_client.h"

namespace crmsync::sandbox::salesforce {
namespace {

const std::string kMoreApi = "/services/data/v60.0";

int64_t count_rows(SandboxClient& c, const std::string& object) {
  auto r = c.json("GET", kMoreApi + "/query?q=SELECT+COUNT()+FROM+" + object, "", 200);
  return r.find("totalSize")->as_int();
}

TEST(SalesforceSandboxCompositeMore, BatchRunsEachSubrequestAndHaltsOnError) {
  SandboxClient c;
  auto r = c.json("POST", kMoreApi + "/composite/batch", R"({"batchRequests":[
    {"method":"POST","url":"v60.0/sobjects/Account","richInput":{"Name":"Batch"}},
    {"method":"GET","url":"v60.0/sobjects/Account/abc"},
    {"method":"GET","url":"v60.0/limits"}]})",
                  200);
  EXPECT_EQ(r.find("hasErrors")->as_bool(), true);
  const Array& res = r.find("results")->as_array();
  ASSERT_EQ(res.size(), 3u);
  EXPECT_EQ(res[0].find("statusCode")->as_int(), 201);
  EXPECT_EQ(res[1].find("statusCode")->as_int(), 404);
  EXPECT_EQ(error_code(*res[1].find("result")), "NOT_FOUND");
  EXPECT_EQ(res[2].find("statusCode")->as_int(), 200);
  EXPECT_EQ(count_rows(c, "Account"), 1);  // no transaction: the create stays

  auto halted =
      c.json("POST", kMoreApi + "/composite/batch", R"({"haltOnError":true,"batchRequests":[
    {"method":"PATCH","url":"v60.0/sobjects/Account/001000000000000AAA","richInput":{"Name":"X"}},
    {"method":"GET","url":"v60.0/limits"}]})",
             200);
  const Array& h = halted.find("results")->as_array();
  EXPECT_EQ(h[1].find("statusCode")->as_int(), 412);
  EXPECT_EQ(error_code(*h[1].find("result")), "BATCH_PROCESSING_HALTED");
  EXPECT_EQ(c.send("POST", kMoreApi + "/composite/batch", "[").status, 400);
}

TEST(SalesforceSandboxCompositeMore, TreeInsertsParentsAndChildrenWithReferenceIds) {
  SandboxClient c;
  auto r = c.json("POST", kMoreApi + "/composite/tree/Account", R"({"records":[
    {"attributes":{"type":"Account","referenceId":"acc1"},"Name":"Tree One",
     "Contacts":{"records":[
       {"attributes":{"type":"Contact","referenceId":"c1"},"LastName":"Leaf1"},
       {"attributes":{"type":"Contact","referenceId":"c2"},"LastName":"Leaf2"}]}},
    {"attributes":{"type":"Account","referenceId":"acc2"},"Name":"Tree Two"}]})",
                  201);
  EXPECT_EQ(r.find("hasErrors")->as_bool(), false);
  const Array& res = r.find("results")->as_array();
  ASSERT_EQ(res.size(), 4u);
  EXPECT_EQ(res[0].find("referenceId")->as_string(), "acc1");
  EXPECT_EQ(res[1].find("referenceId")->as_string(), "c1");
  std::string acc1 = res[0].find("id")->as_string();
  auto kids = c.json("GET", kMoreApi + "/sobjects/Account/" + acc1 + "/Contacts", "", 200);
  EXPECT_EQ(kids.find("totalSize")->as_int(), 2);

  // One bad record undoes the whole tree; only the failures are listed.
  auto bad = c.json("POST", kMoreApi + "/composite/tree/Account", R"({"records":[
    {"attributes":{"type":"Account","referenceId":"ok"},"Name":"Fine",
     "Contacts":{"records":[{"attributes":{"type":"Contact","referenceId":"nolast"},"FirstName":"X"}]}}]})",
                    400);
  EXPECT_EQ(bad.find("hasErrors")->as_bool(), true);
  const Array& errs = bad.find("results")->as_array();
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].find("referenceId")->as_string(), "nolast");
  EXPECT_EQ(errs[0].find("errors")->as_array()[0].find("statusCode")->as_string(),
            "REQUIRED_FIELD_MISSING");
  EXPECT_EQ(count_rows(c, "Account"), 2);

  auto dup = c.json("POST", kMoreApi + "/composite/tree/Account", R"({"records":[
    {"attributes":{"type":"Account","referenceId":"same"},"Name":"A"},
    {"attributes":{"type":"Account","referenceId":"same"},"Name":"B"}]})",
                    400);
  EXPECT_EQ(dup.find("results")
                ->as_array()[0]
                .find("errors")
                ->as_array()[0]
                .find("statusCode")
                ->as_string(),
            "INVALID_INPUT");
  std::string many = R"({"records":[)";
  for (int i = 0; i < 201; ++i) {
    many += (i ? "," : "") + std::string(R"({"attributes":{"type":"Account","referenceId":"r)") +
            std::to_string(i) + R"("},"Name":"N"})";
  }
  EXPECT_EQ(c.send("POST", kMoreApi + "/composite/tree/Account", many + "]}").status, 400);
  EXPECT_EQ(count_rows(c, "Account"), 2);
}

TEST(SalesforceSandboxCompositeMore, GraphsSucceedOrFailWhole) {
  SandboxClient c;
  auto r = c.json("POST", kMoreApi + "/composite/graph", R"({"graphs":[
    {"graphId":"good","compositeRequest":[
      {"method":"POST","url":"/services/data/v60.0/sobjects/Account","referenceId":"a","body":{"Name":"G"}},
      {"method":"POST","url":"/services/data/v60.0/sobjects/Contact","referenceId":"k","body":{"LastName":"K","AccountId":"@{a.id}"}}]},
    {"graphId":"bad","compositeRequest":[
      {"method":"POST","url":"/services/data/v60.0/sobjects/Account","referenceId":"a2","body":{"Name":"Undone"}},
      {"method":"POST","url":"/services/data/v60.0/sobjects/Contact","referenceId":"k2","body":{"FirstName":"NoLast"}}]}]})",
                  200);
  const Array& graphs = r.find("graphs")->as_array();
  ASSERT_EQ(graphs.size(), 2u);
  EXPECT_EQ(graphs[0].find("isSuccessful")->as_bool(), true);
  EXPECT_EQ(graphs[1].find("isSuccessful")->as_bool(), false);
  const Array& bad = graphs[1].find("graphResponse")->find("compositeResponse")->as_array();
  EXPECT_EQ(error_code(*bad[0].find("body")), "PROCESSING_HALTED");
  EXPECT_EQ(count_rows(c, "Account"), 1);
}

TEST(SalesforceSandboxCompositeMore, SearchAndParameterizedSearch) {
  SandboxClient c;
  c.json("POST", kMoreApi + "/sobjects/Account",
         R"({"Name":"Acme Widgets","Phone":"(555) 123-4567"})", 201);
  c.json("POST", kMoreApi + "/sobjects/Account", R"({"Name":"Globex"})", 201);
  c.json("POST", kMoreApi + "/sobjects/Contact", R"({"LastName":"Acme","Email":"jo@acme.example"})",
         201);
  auto sosl =
      c.json("GET",
             kMoreApi + "/search?q=" +
                 "FIND%20%7Bacme%7D%20IN%20NAME%20FIELDS%20RETURNING%20Account(Id%2C%20Name)",
             "", 200);
  const Array& recs = sosl.find("searchRecords")->as_array();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].find("Name")->as_string(), "Acme Widgets");
  EXPECT_EQ(recs[0].find("attributes")->find("type")->as_string(), "Account");
  auto all = c.json("GET", kMoreApi + "/search?q=FIND%20%7Bacm*%7D", "", 200);
  EXPECT_EQ(all.find("searchRecords")->as_array().size(), 2u);
  auto phone = c.json(
      "GET",
      kMoreApi + "/search?q=FIND%20%7B555-1234567%7D%20IN%20PHONE%20FIELDS%20RETURNING%20Account",
      "", 200);
  EXPECT_EQ(phone.find("searchRecords")->as_array().size(), 1u);
  EXPECT_EQ(error_code(c.json("GET", kMoreApi + "/search?q=FIND%20acme", "", 400)),
            "MALFORMED_SEARCH");
  EXPECT_EQ(error_code(c.json("GET", kMoreApi + "/search?q=FIND%20%7Ba%7D", "", 400)),
            "MALFORMED_SEARCH");
  EXPECT_EQ(error_code(c.json("GET", kMoreApi + "/search?q=FIND%20%7Bacme%7D%20RETURNING%20Nope",
                              "", 400)),
            "INVALID_TYPE");

  auto ps = c.json("GET",
                   kMoreApi + "/parameterizedSearch?q=acme&sobject=Contact&Contact.fields=Id,Email",
                   "", 200);
  const Array& p = ps.find("searchRecords")->as_array();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].find("Email")->as_string(), "jo@acme.example");
  auto post = c.json(
      "POST", kMoreApi + "/parameterizedSearch",
      R"({"q":"acme","fields":["Id","Name"],"sobjects":[{"name":"Account","where":"Name != 'x'","limit":5}]})",
      200);
  EXPECT_EQ(post.find("searchRecords")->as_array().size(), 1u);
  EXPECT_EQ(error_code(c.json("GET", kMoreApi + "/parameterizedSearch", "", 400)),
            "MISSING_ARGUMENT");
}

TEST(SalesforceSandboxCompositeMore, ExplainAndQueryAll) {
  SandboxClient c;
  c.json("POST", kMoreApi + "/sobjects/Contact", R"({"LastName":"E","External_Id__c":"E-1"})", 201);
  auto scan = c.json("GET", kMoreApi + "/query?explain=SELECT+Id+FROM+Contact", "", 200);
  const Value& plan = scan.find("plans")->as_array().at(0);
  EXPECT_EQ(plan.find("leadingOperationType")->as_string(), "TableScan");
  EXPECT_EQ(plan.find("sobjectType")->as_string(), "Contact");
  EXPECT_EQ(plan.find("cardinality")->as_int(), 1);
  auto index = c.json(
      "GET", kMoreApi + "/query?explain=SELECT+Id+FROM+Contact+WHERE+External_Id__c+%3D+'E-1'", "",
      200);
  EXPECT_EQ(index.find("plans")->as_array().at(0).find("leadingOperationType")->as_string(),
            "Index");
  EXPECT_EQ(
      error_code(c.json("GET", kMoreApi + "/query?explain=SELECT+Nope+FROM+Contact", "", 400)),
      "INVALID_FIELD");
}

}  // namespace
}  // namespace crmsync::sandbox::salesforce
