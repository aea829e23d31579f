// sObject Rows by External ID, Relationships, conditional requests, API
// versions and the error bodies of bad input, over HTTP.
#include <gtest/gtest.h>

#include "sandbox/salesforce/sobject_rows.h"
#include "sandbox_client.h"

namespace crmsync::sandbox::salesforce {
namespace {

const std::string kRowsApi = "/services/data/v60.0";

std::string field_text(const Value& v, const char* key) {
  const Value* f = v.find(key);
  return f && f->is_string() ? f->as_string() : "";
}

// The issue's script: look up by external id, then create or update.
TEST(SalesforceSandboxRows, GetByExternalIdFindsTheRecordJustCreated) {
  SandboxClient c;
  auto created = c.json("POST", kRowsApi + "/sobjects/ti_acuerdo__c",
                        R"({"Name":"Acuerdo 1","Codigo__c":"X-1"})", 201);
  std::string id = field_text(created, "id");
  auto row = c.json("GET", kRowsApi + "/sobjects/ti_acuerdo__c/Codigo__c/X-1", "", 200);
  EXPECT_EQ(field_text(row, "Id"), id);
  EXPECT_EQ(field_text(row, "Name"), "Acuerdo 1");
  EXPECT_EQ(field_text(*row.find("attributes"), "url"), kRowsApi + "/sobjects/ti_acuerdo__c/" + id);
  // External ids match ignoring case, as Salesforce's (not case-sensitive) ones.
  EXPECT_EQ(
      field_text(c.json("GET", kRowsApi + "/sobjects/ti_acuerdo__c/Codigo__c/x-1", "", 200), "Id"),
      id);
  // fields= picks the fields.
  auto some =
      c.json("GET", kRowsApi + "/sobjects/ti_acuerdo__c/Codigo__c/X-1?fields=Name", "", 200);
  EXPECT_EQ(some.as_object().size(), 2u);  // attributes, Name
  EXPECT_EQ(field_text(some, "Name"), "Acuerdo 1");
  // Id itself is an external id for this resource.
  EXPECT_EQ(
      field_text(c.json("GET", kRowsApi + "/sobjects/ti_acuerdo__c/Id/" + id, "", 200), "Name"),
      "Acuerdo 1");
}

TEST(SalesforceSandboxRows, GetByExternalIdErrors) {
  SandboxClient c;
  auto missing = c.json("GET", kRowsApi + "/sobjects/ti_acuerdo__c/Codigo__c/NOPE", "", 404);
  EXPECT_EQ(error_code(missing), "NOT_FOUND");
  EXPECT_EQ(field_text(missing.as_array()[0], "message"), "The requested resource does not exist");
  // A field that is not an external id.
  auto not_ext = c.json("GET", kRowsApi + "/sobjects/ti_acuerdo__c/Empresa__c/A", "", 404);
  EXPECT_EQ(error_code(not_ext), "NOT_FOUND");
  EXPECT_EQ(field_text(not_ext.as_array()[0], "message"),
            "Provided external ID field does not exist or is not accessible: Empresa__c");
  c.json("POST", kRowsApi + "/sobjects/ti_acuerdo__c", R"({"Name":"A","Codigo__c":"E-1"})", 201);
  auto bad_field =
      c.json("GET", kRowsApi + "/sobjects/ti_acuerdo__c/Codigo__c/E-1?fields=Nope__c", "", 400);
  EXPECT_EQ(error_code(bad_field), "INVALID_FIELD");
  EXPECT_EQ(field_text(bad_field.as_array()[0], "message"),
            "No such column 'Nope__c' on sobject of type ti_acuerdo__c");
}

TEST(SalesforceSandboxRows, SeveralMatchesAre300WithTheirUrls) {
  SandboxClient c;
  // Account.Legacy_Id__c is an external id that is not unique.
  std::string a = field_text(
      c.json("POST", kRowsApi + "/sobjects/Account", R"({"Name":"A","Legacy_Id__c":"L"})", 201),
      "id");
  std::string b = field_text(
      c.json("POST", kRowsApi + "/sobjects/Account", R"({"Name":"B","Legacy_Id__c":"L"})", 201),
      "id");
  for (const char* method : {"GET", "DELETE"}) {
    auto r = c.send(method, kRowsApi + "/sobjects/Account/Legacy_Id__c/L");
    EXPECT_EQ(r.status, 300) << method;
    EXPECT_EQ(r.body, "[\"" + kRowsApi + "/sobjects/Account/" + a + "\",\"" + kRowsApi +
                          "/sobjects/Account/" + b + "\"]");
  }
  auto up = c.send("PATCH", kRowsApi + "/sobjects/Account/Legacy_Id__c/L", R"({"Name":"C"})");
  EXPECT_EQ(up.status, 300);
  EXPECT_EQ(c.send("HEAD", kRowsApi + "/sobjects/Account/Legacy_Id__c/L").status, 300);
}

TEST(SalesforceSandboxRows, HeadAndDeleteByExternalId) {
  SandboxClient c;
  c.json("POST", kRowsApi + "/sobjects/Contact", R"({"LastName":"H","External_Id__c":"H-1"})", 201);
  auto head = c.send("HEAD", kRowsApi + "/sobjects/Contact/External_Id__c/H-1");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(c.send("HEAD", kRowsApi + "/sobjects/Contact/External_Id__c/H-2").status, 404);
  EXPECT_EQ(c.send("DELETE", kRowsApi + "/sobjects/Contact/External_Id__c/H-1").status, 204);
  EXPECT_EQ(c.send("GET", kRowsApi + "/sobjects/Contact/External_Id__c/H-1").status, 404);
  EXPECT_EQ(c.send("DELETE", kRowsApi + "/sobjects/Contact/External_Id__c/H-1").status, 404);
}

TEST(SalesforceSandboxRows, UpsertAnswersByVersionWithLocation) {
  SandboxClient c;
  auto created =
      c.send("PATCH", kRowsApi + "/sobjects/Loan__c/Loan_Number__c/U-1", R"({"Name":"U"})");
  EXPECT_EQ(created.status, 201);
  auto body = *parse_json(created.body);
  std::string id = field_text(body, "id");
  EXPECT_EQ(created.body, R"({"id":")" + id + R"(","success":true,"errors":[],"created":true})");
  EXPECT_EQ(created.header("Location"), kRowsApi + "/sobjects/Loan__c/" + id);
  auto updated =
      c.send("PATCH", kRowsApi + "/sobjects/Loan__c/Loan_Number__c/U-1", R"({"Name":"U2"})");
  EXPECT_EQ(updated.status, 200);
  EXPECT_EQ(updated.body, R"({"id":")" + id + R"(","success":true,"errors":[],"created":false})");
  // Before v46.0 an update is 204 without a body.
  auto old = c.send("PATCH", "/services/data/v45.0/sobjects/Loan__c/Loan_Number__c/U-1",
                    R"({"Name":"U3"})");
  EXPECT_EQ(old.status, 204);
  EXPECT_TRUE(old.body.empty());
  auto not_json = c.send("PATCH", kRowsApi + "/sobjects/Loan__c/Loan_Number__c/U-1", "{nope");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(error_code(*parse_json(not_json.body)), "JSON_PARSER_ERROR");
}

TEST(SalesforceSandboxRows, RetrieveByIdErrorBodies) {
  SandboxClient c;
  std::string id =
      field_text(c.json("POST", kRowsApi + "/sobjects/Account", R"({"Name":"R"})", 201), "id");
  // Text that is no id is taken for an external-id field name.
  auto word = c.json("GET", kRowsApi + "/sobjects/Account/abc", "", 404);
  EXPECT_EQ(field_text(word.as_array()[0], "message"),
            "Provided external ID field does not exist or is not accessible: abc");
  // An id of another object, and a broken case-safe suffix: MALFORMED_ID.
  std::string contact =
      field_text(c.json("POST", kRowsApi + "/sobjects/Contact", R"({"LastName":"X"})", 201), "id");
  auto other = c.json("GET", kRowsApi + "/sobjects/Account/" + contact, "", 400);
  EXPECT_EQ(error_code(other), "MALFORMED_ID");
  EXPECT_EQ(field_text(other.as_array()[0], "message"), "malformed id " + contact);
  std::string broken = id.substr(0, 15) + "ZZZ";
  EXPECT_EQ(error_code(c.json("GET", kRowsApi + "/sobjects/Account/" + broken, "", 400)),
            "MALFORMED_ID");
  auto field = c.json("GET", kRowsApi + "/sobjects/Account/" + id + "?fields=Name,Nope", "", 400);
  EXPECT_EQ(error_code(field), "INVALID_FIELD");
  auto body = c.send("POST", kRowsApi + "/sobjects/Account", "not json");
  EXPECT_EQ(body.status, 400);
  EXPECT_EQ(error_code(*parse_json(body.body)), "JSON_PARSER_ERROR");
  // The 15-character form reads the same record.
  EXPECT_EQ(
      field_text(c.json("GET", kRowsApi + "/sobjects/Account/" + id.substr(0, 15), "", 200), "Id"),
      id);
}

TEST(SalesforceSandboxRows, Relationships) {
  SandboxClient c;
  std::string acct =
      field_text(c.json("POST", kRowsApi + "/sobjects/Account", R"({"Name":"Parent"})", 201), "id");
  std::string c1 = field_text(c.json("POST", kRowsApi + "/sobjects/Contact",
                                     R"({"LastName":"One","AccountId":")" + acct + "\"}", 201),
                              "id");
  c.json("POST", kRowsApi + "/sobjects/Contact",
         R"({"LastName":"Two","AccountId":")" + acct + "\"}", 201);
  c.json("POST", kRowsApi + "/sobjects/ti_acuerdo__c",
         R"({"Name":"Ag","Codigo__c":"R-1","Cuenta__c":")" + acct + "\"}", 201);
  auto kids =
      c.json("GET", kRowsApi + "/sobjects/Account/" + acct + "/Contacts?fields=LastName", "", 200);
  EXPECT_EQ(kids.find("totalSize")->as_int(), 2);
  EXPECT_EQ(field_text(kids.find("records")->as_array()[0], "LastName"), "One");
  auto custom = c.json("GET", kRowsApi + "/sobjects/Account/" + acct + "/Agreements__r", "", 200);
  EXPECT_EQ(custom.find("totalSize")->as_int(), 1);
  auto parent = c.json("GET", kRowsApi + "/sobjects/Contact/" + c1 + "/Account", "", 200);
  EXPECT_EQ(field_text(parent, "Name"), "Parent");
  std::string orphan =
      field_text(c.json("POST", kRowsApi + "/sobjects/Contact", R"({"LastName":"O"})", 201), "id");
  EXPECT_EQ(c.send("GET", kRowsApi + "/sobjects/Contact/" + orphan + "/Account").status, 404);
  EXPECT_EQ(c.send("GET", kRowsApi + "/sobjects/Account/" + acct + "/Nopes").status, 404);
  // describe names the child relationships the same way.
  auto d = c.json("GET", kRowsApi + "/sobjects/Account/describe", "", 200);
  bool found = false;
  for (const Value& r : d.find("childRelationships")->as_array()) {
    found = found || (field_text(r, "relationshipName") == "Agreements__r" &&
                      field_text(r, "childSObject") == "ti_acuerdo__c");
  }
  EXPECT_TRUE(found);
}

TEST(SalesforceSandboxRows, ConditionalRequests) {
  int64_t now = DateTime::parse("2026-03-15T10:00:00Z")->micros;
  SalesforceSandboxOptions o;
  o.clock = [&now] { return now; };
  SandboxClient c(o);
  std::string id =
      field_text(c.json("POST", kRowsApi + "/sobjects/Account", R"({"Name":"C"})", 201), "id");
  std::string path = kRowsApi + "/sobjects/Account/" + id;
  auto h = [](const char* name, int64_t at) {
    net::HttpHeaders headers;
    headers.emplace(name, format_http_date(at));
    return headers;
  };
  auto first = c.send("GET", path);
  EXPECT_EQ(first.header("Last-Modified"), "Sun, 15 Mar 2026 10:00:00 GMT");
  EXPECT_EQ(c.send("GET", path, "", true, "", h("If-Modified-Since", now)).status, 304);
  EXPECT_EQ(c.send("GET", path, "", true, "", h("If-Modified-Since", now - 1000000)).status, 200);
  now += 60'000'000;
  EXPECT_EQ(c.send("PATCH", path, R"({"Name":"D"})").status, 204);
  auto stale = c.send("PATCH", path, R"({"Name":"E"})", true, "application/json",
                      h("If-Unmodified-Since", now - 30'000'000));
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(error_code(*parse_json(stale.body)), "PRECONDITION_FAILED");
  EXPECT_EQ(c.send("PATCH", path, R"({"Name":"E"})", true, "application/json",
                   h("If-Unmodified-Since", now))
                .status,
            204);
  net::HttpHeaders junk;
  junk.emplace("If-Unmodified-Since", "yesterday");
  EXPECT_EQ(c.send("PATCH", path, R"({"Name":"F"})", true, "application/json", junk).status, 400);
  EXPECT_EQ(c.send("GET", kRowsApi + "/sobjects/Account/describe", "", true, "",
                   h("If-Modified-Since", now))
                .status,
            304);
}

TEST(SalesforceSandboxRows, VersionsUnknownResourcesAndCounters) {
  SandboxClient c;
  for (const char* v : {"v50.0", "v55.0", "v62.0"}) {
    EXPECT_EQ(c.send("GET", std::string("/services/data/") + v + "/limits").status, 200) << v;
  }
  auto future = c.json("GET", "/services/data/v63.0/limits", "", 404);
  EXPECT_EQ(error_code(future), "NOT_FOUND");
  auto tooling = c.json("GET", kRowsApi + "/tooling/query?q=SELECT+Id+FROM+ApexClass", "", 404);
  EXPECT_EQ(error_code(tooling), "NOT_FOUND");
  auto put = c.json("PUT", kRowsApi + "/sobjects/Account/001000000000000AAA", "{}", 405);
  EXPECT_EQ(error_code(put), "METHOD_NOT_ALLOWED");
  EXPECT_EQ(field_text(put.as_array()[0], "message"),
            "HTTP Method 'PUT' not allowed. Allowed are GET,HEAD,PATCH,DELETE");
  c.send("GET", kRowsApi + "/sobjects/Contact/External_Id__c/none");
  c.send("GET", kRowsApi + "/recent");
  auto counters = c.json("GET", "/__admin/counters", "", 200);
  const Value& endpoints = *counters.find("endpoints");
  EXPECT_EQ(endpoints.find("unknown"), nullptr);
  EXPECT_NE(endpoints.find("unsupported.tooling"), nullptr);
  EXPECT_NE(endpoints.find("unsupported.version"), nullptr);
  EXPECT_NE(endpoints.find("method_not_allowed.sobjects"), nullptr);
  EXPECT_NE(endpoints.find("sobject.byExternalId"), nullptr);
  EXPECT_NE(endpoints.find("recent"), nullptr);
}

TEST(SalesforceSandboxRows, RecentBasicInfoAndFeedWindows) {
  int64_t now = DateTime::parse("2026-03-15T10:00:00Z")->micros;
  SalesforceSandboxOptions o;
  o.clock = [&now] { return now; };
  SandboxClient c(o);
  std::string a =
      field_text(c.json("POST", kRowsApi + "/sobjects/Account", R"({"Name":"First"})", 201), "id");
  std::string b = field_text(
      c.json("POST", kRowsApi + "/sobjects/Contact", R"({"LastName":"Second"})", 201), "id");
  c.json("GET", kRowsApi + "/sobjects/Account/" + a, "", 200);
  auto recent = c.json("GET", kRowsApi + "/recent?limit=5", "", 200);
  ASSERT_EQ(recent.as_array().size(), 2u);
  EXPECT_EQ(field_text(recent.as_array()[0], "Id"), a);  // viewed last
  EXPECT_EQ(field_text(recent.as_array()[0], "Name"), "First");
  EXPECT_EQ(field_text(recent.as_array()[1], "Id"), b);
  auto info = c.json("GET", kRowsApi + "/sobjects/Account", "", 200);
  EXPECT_EQ(field_text(*info.find("objectDescribe"), "keyPrefix"), "001");
  EXPECT_EQ(info.find("recentItems")->as_array().size(), 1u);
  auto old = c.json("GET",
                    kRowsApi +
                        "/sobjects/Account/"
                        "updated?start=2026-01-01T00:00:00%2B00:00&end=2026-03-15T00:00:00%2B00:00",
                    "", 400);
  EXPECT_EQ(error_code(old), "INVALID_REPLICATION_DATE");
  EXPECT_EQ(field_text(old.as_array()[0], "message"), "startDate cannot be more than 30 days ago");
  auto del = c.json("GET",
                    kRowsApi +
                        "/sobjects/Account/"
                        "deleted?start=2026-02-20T00:00:00%2B00:00&end=2026-03-15T00:00:00%2B00:00",
                    "", 400);
  EXPECT_EQ(field_text(del.as_array()[0], "message"), "startDate cannot be more than 15 days ago");
  auto reversed =
      c.json("GET",
             kRowsApi +
                 "/sobjects/Account/"
                 "updated?start=2026-03-14T00:00:00%2B00:00&end=2026-03-13T00:00:00%2B00:00",
             "", 400);
  EXPECT_EQ(field_text(reversed.as_array()[0], "message"),
            "startDate must chronologically precede endDate");
}

}  // namespace
}  // namespace crmsync::sandbox::salesforce
