// Bulk API 2.0 ingest: create a job, upload its CSV, read the result files.
// Closing a job (PATCH UploadComplete) runs it: see bulk_ingest.cc.
#include <algorithm>

#include "core/csv.h"
#include "core/json.h"
#include "sandbox/salesforce/body_json.h"
#include "sandbox/salesforce/bulk_routes.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

void create(SandboxState& s, Call& c) {
  auto body = parse_body(c.req.body, c.res, true);
  if (!body) return;
  std::string object = body_text(*body, "object", "");
  std::string operation = body_text(*body, "operation", "");
  std::string external_id = body_text(*body, "externalIdFieldName", "");
  std::string content_type = body_text(*body, "contentType", "CSV");
  const ObjectDef* def = s.schema->find(object);
  if (!def) {
    return answer_bulk_error(c, "NOT_FOUND",
                             "sObject type '" + object + "' is not supported by the Bulk API");
  }
  static const char* kOps[] = {"insert", "update", "upsert", "delete", "hardDelete"};
  if (std::find(std::begin(kOps), std::end(kOps), operation) == std::end(kOps)) {
    return answer_bulk_error(c, "INVALIDJOB", "Invalid operation: '" + operation + "'");
  }
  if (operation == "upsert" && external_id.empty()) {
    return answer_bulk_error(c, "INVALIDJOB",
                             "External ID was blank for " + def->name +
                                 ". An External ID must be specified for upsert.");
  }
  if (operation == "upsert" && def->field_index(external_id) < 0) {
    return answer_bulk_error(c, "INVALIDJOB",
                             "Field name not found : " + external_id + " on " + def->name);
  }
  if (content_type != "CSV") {
    return answer_bulk_error(c, "INVALIDJOB", "Unsupported content type: " + content_type);
  }
  BulkJob format;
  if (!read_csv_format(c, *body, format)) return;
  std::lock_guard lock(s.bulk.mutex);
  auto job = new_job(s, c, false);
  job->line_ending = format.line_ending;
  job->column_delimiter = format.column_delimiter;
  job->object = def->name;
  job->operation = operation;
  if (operation == "upsert") {
    job->external_id_field = def->fields[static_cast<size_t>(def->field_index(external_id))].name;
  }
  answer_json(c.res, 200, job_info_json(*job, true, false));
}

void upload(SandboxState& s, Call& c) {
  std::lock_guard lock(s.bulk.mutex);
  auto job = find_job(s, c, c.m[2], false);
  if (!job) return;
  if (job->state != "Open") {
    return answer_bulk_error(c, "INVALIDJOBSTATE",
                             "Job " + job->id + " is " + job->state +
                                 ": data can only be "
                                 "uploaded to an Open job");
  }
  if (job->uploaded) {
    return answer_bulk_error(c, "BULK_API_ERROR",
                             "Found multiple contents for job: <" + job->id +
                                 ">, please 'Close' / 'Abort' / 'Delete' the current Job then "
                                 "create a new Job and make sure you only do 'PUT' once on a "
                                 "given Job.");
  }
  job->uploaded = true;
  job->upload = c.req.body;
  c.res.status = 201;
  c.res.body.clear();
}

// GET .../successfulResults, failedResults, unprocessedrecords.
void results(SandboxState& s, Call& c) {
  std::lock_guard lock(s.bulk.mutex);
  auto job = find_job(s, c, c.m[2], false);
  if (!job) return;
  const std::string& which = c.m[3];
  bool done = job->state == "JobComplete" || job->state == "Failed" || job->state == "Aborted";
  if (!done) {
    return answer_bulk_error(c, "INVALIDJOBSTATE",
                             "Job " + job->id + " is " + job->state +
                                 ": results are available "
                                 "once it is complete");
  }
  std::string out;
  char d = job->delimiter();
  if (which == "unprocessedrecords") {
    out = job->header_line + job->eol() + job->unprocessed_rows;
  } else {
    bool ok = which == "successfulResults";
    out = std::string("\"sf__Id\"") + d + (ok ? "\"sf__Created\"" : "\"sf__Error\"");
    if (!job->header_line.empty()) out += d + job->header_line;
    out += job->eol();
    out += ok ? job->successful_rows : job->failed_rows;
  }
  answer_csv(c, std::move(out));
}

}  // namespace

void add_bulk_ingest_routes(SandboxState& s) {
  using A = Router::Access;
  std::string base = bulk_base(false);
  s.router.add("POST", base + "/?", "bulk.ingest.create", A::session,
               [&s](Call& c) { create(s, c); });
  s.router.add("PUT", base + "/([^/]+)/batches/?", "bulk.ingest.upload", A::session,
               [&s](Call& c) { upload(s, c); });
  s.router.add("GET", base + "/([^/]+)/(successfulResults|failedResults|unprocessedrecords)/?",
               "bulk.ingest.results", A::session, [&s](Call& c) { results(s, c); });
  add_bulk_job_routes(s, false);
}

}  // namespace crmsync::sandbox::salesforce
