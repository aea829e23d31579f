// Bulk API 2.0 against the sandbox over HTTP, as jsforce's conn.bulk2 sends
// it: ingest jobs with good and bad rows, their result files, state errors,
// and query jobs paged by Sforce-Locator (queryAll sees deleted rows).
#include <gtest/gtest.h>

#include <set>

#include "core/csv.h"
#include "sandbox_client.h"

namespace crmsync::sandbox::salesforce {
namespace {

const std::string kJobs = "/services/data/v60.0/jobs";

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  CsvReader r(text);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> cells;
  while (r.next(cells)) out.push_back(cells);
  EXPECT_EQ(r.error(), "");
  return out;
}

std::string str(const Value& v, const char* key) {
  const Value* f = v.find(key);
  return f && f->is_string() ? f->as_string() : "";
}

int64_t num(const Value& v, const char* key) {
  const Value* f = v.find(key);
  return f && f->is_int() ? f->as_int() : -1;
}

// Creates, uploads and closes an ingest job; answers its id.
std::string run_ingest(SandboxClient& c, const std::string& spec, const std::string& csv) {
  Value job = c.json("POST", kJobs + "/ingest", spec, 200);
  EXPECT_EQ(str(job, "state"), "Open");
  std::string id = str(job, "id");
  EXPECT_EQ(id.substr(0, 3), "750");
  EXPECT_EQ(str(job, "contentUrl"), "services/data/v60.0/jobs/ingest/" + id + "/batches");
  auto up = c.send("PUT", kJobs + "/ingest/" + id + "/batches", csv, true, "text/csv");
  EXPECT_EQ(up.status, 201);
  EXPECT_EQ(up.body, "");
  Value closed = c.json("PATCH", kJobs + "/ingest/" + id, R"({"state":"UploadComplete"})", 200);
  EXPECT_EQ(str(closed, "state"), "UploadComplete");
  return id;
}

TEST(SalesforceSandboxBulk, IngestInsertsGoodRowsAndReportsBadOnesWithTheirData) {
  SandboxClient c;
  std::string id = run_ingest(
      c, R"({"object":"Contact","operation":"insert","contentType":"CSV","lineEnding":"LF"})",
      "LastName,FirstName,Email,Birthdate\n"
      "Lee,Ann,ann@example.com,1990-01-02\n"
      ",NoLast,x@example.com,\n"
      "\"Quote \"\"Q\"\", Jr\",Bo,bo@example.com,#N/A\n"
      "Bad,Date,bd@example.com,1990-13-45\n");
  Value info = c.json("GET", kJobs + "/ingest/" + id, "", 200);
  EXPECT_EQ(str(info, "state"), "JobComplete");
  EXPECT_EQ(str(info, "jobType"), "V2Ingest");
  EXPECT_EQ(num(info, "numberRecordsProcessed"), 4);
  EXPECT_EQ(num(info, "numberRecordsFailed"), 2);

  auto ok = c.send("GET", kJobs + "/ingest/" + id + "/successfulResults/");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.header("Content-Type").value_or("").substr(0, 8), "text/csv");
  auto rows = csv_rows(ok.body);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"sf__Id", "sf__Created", "LastName", "FirstName",
                                               "Email", "Birthdate"}));
  std::set<std::string> names;
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i][0].substr(0, 3), "003");
    EXPECT_EQ(rows[i][1], "true");
    names.insert(rows[i][2]);
  }
  EXPECT_EQ(names, (std::set<std::string>{"Lee", "Quote \"Q\", Jr"}));

  auto bad = csv_rows(c.send("GET", kJobs + "/ingest/" + id + "/failedResults/").body);
  ASSERT_EQ(bad.size(), 3u);
  EXPECT_EQ(bad[0][1], "sf__Error");
  std::map<std::string, std::string> errors;  // FirstName -> sf__Error
  for (size_t i = 1; i < bad.size(); ++i) errors[bad[i][3]] = bad[i][1];
  EXPECT_EQ(errors["NoLast"].rfind("REQUIRED_FIELD_MISSING:", 0), 0u) << errors["NoLast"];
  EXPECT_NE(errors["NoLast"].find(":LastName --"), std::string::npos) << errors["NoLast"];
  EXPECT_EQ(errors["Date"].rfind("INVALID_FIELD:Failed to deserialize field at col 3.", 0), 0u)
      << errors["Date"];

  // The store holds exactly the good rows, #N/A as null.
  auto q =
      c.json("GET", "/services/data/v60.0/query?q=SELECT+LastName,Birthdate+FROM+Contact", "", 200);
  EXPECT_EQ(num(q, "totalSize"), 2);

  auto unprocessed = c.send("GET", kJobs + "/ingest/" + id + "/unprocessedrecords/");
  EXPECT_EQ(csv_rows(unprocessed.body).size(), 1u);  // the header only
}

TEST(SalesforceSandboxBulk, UpsertAndDeleteByJobAndStateErrors) {
  SandboxClient c;
  std::string ins = run_ingest(
      c, R"({"object":"Contact","operation":"upsert","externalIdFieldName":"External_Id__c"})",
      "External_Id__c,LastName\nE1,One\nE2,Two\n");
  std::string up = run_ingest(
      c, R"({"object":"Contact","operation":"upsert","externalIdFieldName":"External_Id__c"})",
      "External_Id__c,LastName\nE1,Uno\nE3,Three\n");
  auto rows = csv_rows(c.send("GET", kJobs + "/ingest/" + up + "/successfulResults").body);
  ASSERT_EQ(rows.size(), 3u);
  std::map<std::string, std::string> created;  // ext id -> sf__Created
  std::string e1;
  for (size_t i = 1; i < rows.size(); ++i) {
    created[rows[i][2]] = rows[i][1];
    if (rows[i][2] == "E1") e1 = rows[i][0];
  }
  EXPECT_EQ(created["E1"], "false");
  EXPECT_EQ(created["E3"], "true");

  std::string del = run_ingest(c, R"({"object":"Contact","operation":"delete"})",
                               "Id\n" + e1 + "\n003000000000000AAA\n");
  Value info = c.json("GET", kJobs + "/ingest/" + del, "", 200);
  EXPECT_EQ(num(info, "numberRecordsFailed"), 1);
  auto q = c.json("GET", "/services/data/v60.0/query?q=SELECT+Id+FROM+Contact", "", 200);
  EXPECT_EQ(num(q, "totalSize"), 2);

  // A closed job takes no data; an unknown field fails the whole job.
  auto again =
      c.send("PUT", kJobs + "/ingest/" + ins + "/batches", "LastName\nX\n", true, "text/csv");
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(error_code(*parse_json(again.body)), "INVALIDJOBSTATE");
  std::string failed =
      run_ingest(c, R"({"object":"Contact","operation":"insert"})", "LastName,Nope__c\nA,B\n");
  Value f = c.json("GET", kJobs + "/ingest/" + failed, "", 200);
  EXPECT_EQ(str(f, "state"), "Failed");
  EXPECT_EQ(str(f, "errorMessage"), "InvalidBatch : Field name not found : Nope__c");
  EXPECT_EQ(
      csv_rows(c.send("GET", kJobs + "/ingest/" + failed + "/unprocessedrecords").body).size(), 2u);

  // CRLF data in an LF job fails before any row is written.
  std::string crlf =
      run_ingest(c, R"({"object":"Contact","operation":"insert"})", "LastName\r\nA\r\n");
  EXPECT_EQ(str(c.json("GET", kJobs + "/ingest/" + crlf), "state"), "Failed");

  Value open =
      c.json("POST", kJobs + "/ingest", R"({"object":"Contact","operation":"insert"})", 200);
  auto twice = c.send("PUT", kJobs + "/ingest/" + str(open, "id") + "/batches", "LastName\nA\n",
                      true, "text/csv");
  EXPECT_EQ(twice.status, 201);
  twice = c.send("PUT", kJobs + "/ingest/" + str(open, "id") + "/batches", "LastName\nA\n", true,
                 "text/csv");
  EXPECT_EQ(error_code(*parse_json(twice.body)), "BULK_API_ERROR");
  Value aborted =
      c.json("PATCH", kJobs + "/ingest/" + str(open, "id"), R"({"state":"Aborted"})", 200);
  EXPECT_EQ(str(aborted, "state"), "Aborted");
  auto reopen =
      c.send("PATCH", kJobs + "/ingest/" + str(open, "id"), R"({"state":"UploadComplete"})");
  EXPECT_EQ(reopen.status, 400);
  EXPECT_EQ(error_code(*parse_json(reopen.body)), "INVALIDJOBSTATE");

  EXPECT_EQ(c.json("POST", kJobs + "/ingest", R"({"object":"Nope","operation":"insert"})", 400)
                .is_array(),
            true);
  Value list = c.json("GET", kJobs + "/ingest", "", 200);
  EXPECT_EQ(list.find("records")->as_array().size(), 6u);
  EXPECT_EQ(c.send("DELETE", kJobs + "/ingest/" + ins).status, 204);
  EXPECT_EQ(c.send("GET", kJobs + "/ingest/" + ins).status, 404);
}

TEST(SalesforceSandboxBulk, QueryPagesFollowTheLocatorAndQueryAllSeesDeletes) {
  SalesforceSandboxOptions o;
  SandboxClient c(o);
  std::string csv = "LastName,External_Id__c\n";
  for (int i = 0; i < 2500; ++i) csv += "L" + std::to_string(i) + ",X" + std::to_string(i) + "\n";
  run_ingest(c, R"({"object":"Contact","operation":"insert"})", csv);
  auto first =
      c.json("GET", "/services/data/v60.0/query?q=SELECT+Id+FROM+Contact+LIMIT+1", "", 200);
  std::string gone = str(first.find("records")->as_array()[0], "Id");
  EXPECT_EQ(c.send("DELETE", "/services/data/v60.0/sobjects/Contact/" + gone).status, 204);

  for (const char* op : {"query", "queryAll"}) {
    Value job =
        c.json("POST", kJobs + "/query",
               std::string(R"({"operation":")") + op +
                   R"(","query":"SELECT Id, LastName, CreatedDate, Account.Name FROM Contact"})",
               200);
    std::string id = str(job, "id");
    EXPECT_EQ(str(job, "state"), "UploadComplete");
    Value info = c.json("GET", kJobs + "/query/" + id, "", 200);
    EXPECT_EQ(str(info, "state"), "JobComplete");
    EXPECT_EQ(str(info, "jobType"), "V2Query");
    std::string locator;
    std::set<std::string> ids;
    int pages = 0;
    while (true) {
      std::string path = kJobs + "/query/" + id + "/results?maxRecords=1000";
      if (!locator.empty()) path += "&locator=" + locator;
      auto page = c.send("GET", path);
      ASSERT_EQ(page.status, 200) << page.body;
      ++pages;
      auto rows = csv_rows(page.body);
      ASSERT_FALSE(rows.empty());
      EXPECT_EQ(rows[0],
                (std::vector<std::string>{"Id", "LastName", "CreatedDate", "Account.Name"}));
      EXPECT_EQ(page.header("Sforce-NumberOfRecords"), std::to_string(rows.size() - 1));
      for (size_t i = 1; i < rows.size(); ++i) {
        ids.insert(rows[i][0]);
        EXPECT_EQ(rows[i][2].back(), 'Z');  // CSV datetimes are UTC with Z
        EXPECT_EQ(rows[i][3], "");
      }
      EXPECT_NE(page.body.find("\"\""), std::string::npos);  // every value quoted, null as ""
      locator = page.header("Sforce-Locator").value_or("");
      ASSERT_FALSE(locator.empty());  // the last page says "null", never nothing
      if (locator == "null") break;
    }
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(ids.size(), std::string(op) == "query" ? 2499u : 2500u);
    EXPECT_EQ(ids.count(gone), std::string(op) == "query" ? 0u : 1u);
  }
  auto bad = c.send("POST", kJobs + "/query",
                    R"({"operation":"query","query":"SELECT Nope FROM Contact"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(error_code(*parse_json(bad.body)), "INVALID_FIELD");
  EXPECT_GT(c.sandbox->api_requests(), 10);
}

}  // namespace
}  // namespace crmsync::sandbox::salesforce
