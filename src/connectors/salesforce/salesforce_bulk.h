#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace crmsync {

class SalesforceConnection;

// The calls of a Bulk API 2.0 job, through the connection's session (so
// each is counted, renewed on 401 and retried on 429/5xx by the client).
// Errors name the job id and object and quote Salesforce's answer.
struct BulkJob {
  std::string id;
  std::string object;
  std::string operation;  // insert, update, upsert, delete; query, queryAll
  std::string state;      // Open, UploadComplete, InProgress, JobComplete, Failed, Aborted
  std::string error_message;
  int64_t processed = 0;
  int64_t failed = 0;

  bool query() const { return operation == "query" || operation == "queryAll"; }
  bool finished() const {
    return state == "JobComplete" || state == "Failed" || state == "Aborted";
  }
  // "salesforce bulk insert job 750... on Contact"
  std::string what() const {
    return "salesforce bulk " + operation + " job " + id + " on " + object;
  }
};

// JobInfo JSON into a BulkJob (id, operation, object, state, counters).
Result<BulkJob> parse_bulk_job(std::string_view body);

// POST /jobs/ingest: an Open job. `external_id` for upsert.
Result<BulkJob> bulk_create_ingest(SalesforceConnection& conn, const std::string& object,
                                   const std::string& operation, const std::string& external_id);
// PUT the CSV (one upload per job).
Status bulk_upload(SalesforceConnection& conn, const BulkJob& job, const std::string& csv);
// PATCH {state: UploadComplete}. When the answer was lost and the resend is
// refused, the job's own state says whether it was closed.
Result<BulkJob> bulk_close(SalesforceConnection& conn, const BulkJob& job);
// PATCH {state: Aborted}; best effort (the caller is already failing).
void bulk_abort(SalesforceConnection& conn, const BulkJob& job);
// Polls GET /jobs/{kind}/{id} until the job is finished: right away, then
// after 1, 2, 4 ... 15 seconds, for an hour at most. A poll that fails
// transiently (after the client's own retries) is just a missed poll.
Result<BulkJob> bulk_wait(SalesforceConnection& conn, const BulkJob& job);
// GET successfulResults / failedResults / unprocessedrecords (CSV).
Result<std::string> bulk_ingest_results(SalesforceConnection& conn, const BulkJob& job,
                                        const char* which);

// POST /jobs/query.
Result<BulkJob> bulk_create_query(SalesforceConnection& conn, const std::string& soql,
                                  bool include_deleted);
// One page of query results: CSV with a header, and the locator of the next
// page ("" after the last, where Salesforce sends the text "null").
struct BulkPage {
  std::string csv;
  std::string next_locator;
};
Result<BulkPage> bulk_query_page(SalesforceConnection& conn, const BulkJob& job,
                                 const std::string& locator, int64_t max_records);

}  // namespace crmsync
