#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sandbox/salesforce/soql_exec.h"

namespace crmsync::sandbox::salesforce {

// One Bulk API 2.0 job, ingest or query. The sandbox processes a job when it
// becomes ready (ingest: UploadComplete; query: created), so a poll after
// that sees JobComplete, Failed or Aborted.
struct BulkJob {
  std::string id;
  bool query = false;
  std::string operation;  // insert, update, upsert, delete, hardDelete; query, queryAll
  std::string object;
  std::string external_id_field;  // upsert
  std::string line_ending = "LF";
  std::string column_delimiter = "COMMA";
  std::string state = "Open";
  std::string api_version;
  std::string created_by;
  int64_t created_micros = 0;
  int64_t modstamp_micros = 0;
  std::string error_message;  // state Failed
  int64_t processed = 0;
  int64_t failed = 0;
  int64_t processing_millis = 0;

  // Ingest: the upload as sent (one per job), and the result files without
  // their header line.
  bool uploaded = false;
  std::string upload;
  std::string header_line;  // the upload's header, as sent
  std::string successful_rows, failed_rows, unprocessed_rows;

  // Query: the rows, fixed when the job ran, rendered from the live store;
  // locators handed out for the next page -> row offset.
  std::string soql;
  QueryResult result;
  std::map<std::string, size_t> locators;

  char delimiter() const;
  const char* eol() const { return line_ending == "CRLF" ? "\r\n" : "\n"; }
};

// The jobs of the org. Handlers take `mutex` while they read or change a
// job; ingest processing runs with it held, so a poll never sees half a job.
struct BulkJobs {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<BulkJob>> jobs;
  uint64_t next = 1;
};

// The JobInfo JSON Salesforce answers. `created`: the create answer (with
// contentUrl for ingest); `full`: a GET (jobType, counters, errorMessage).
std::string job_info_json(const BulkJob& job, bool created, bool full);

// Runs an ingest job's upload against the store (state UploadComplete ->
// JobComplete or Failed), filling the result files. Caller holds the jobs lock.
struct SandboxState;
void process_ingest(SandboxState& s, BulkJob& job);

}  // namespace crmsync::sandbox::salesforce
