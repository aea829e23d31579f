#pragma once

#include <memory>
#include <string>

#include "core/value.h"
#include "sandbox/salesforce/bulk_jobs.h"
#include "sandbox/salesforce/sandbox_state.h"

namespace crmsync::sandbox::salesforce {

// Pieces the ingest and query routes of Bulk API 2.0 share. Every route
// holds the jobs lock while it looks at a job.

// "/services/data/vNN.N/jobs/ingest" or ".../jobs/query" as a route pattern;
// capture 1 is the version.
std::string bulk_base(bool query);

// The job `id` of the right kind, or nullptr after answering 404 NOT_FOUND.
std::shared_ptr<BulkJob> find_job(SandboxState& s, Call& c, const std::string& id, bool query);

// A new job with an id, creator and stamps, registered (caller holds the lock).
std::shared_ptr<BulkJob> new_job(SandboxState& s, Call& c, bool query);

// 400 with Bulk API's error array.
void answer_bulk_error(Call& c, const std::string& code, const std::string& message);

// The create request's text field `key`, or `fallback`.
std::string body_text(const Value& body, const char* key, const char* fallback);

// The create request's lineEnding and columnDelimiter into `job`; false
// after answering 400 INVALIDJOB when either is not one Salesforce knows.
bool read_csv_format(Call& c, const Value& body, BulkJob& job);

// An answer of CSV text.
void answer_csv(Call& c, std::string body);

// GET list, GET info, PATCH {state: Aborted | UploadComplete}, DELETE.
// `close` runs the work of UploadComplete (ingest only).
void add_bulk_job_routes(SandboxState& s, bool query);

void add_bulk_ingest_routes(SandboxState& s);
void add_bulk_query_routes(SandboxState& s);

}  // namespace crmsync::sandbox::salesforce
