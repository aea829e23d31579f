#include "connectors/salesforce/salesforce_bulk.h"

#include <algorithm>

#include "connectors/salesforce/salesforce_connection.h"
#include "core/json.h"
#include "net/url.h"

namespace crmsync {
namespace {

constexpr double kMaxPollSecs = 15;
constexpr double kGiveUpSecs = 3600;

std::string job_path(const BulkJob& job) {
  return std::string(job.query() ? "/jobs/query/" : "/jobs/ingest/") + job.id;
}

std::string text(const Value& v, const char* key) {
  const Value* f = v.find(key);
  return f && f->is_string() ? f->as_string() : "";
}

int64_t count(const Value& v, const char* key) {
  const Value* f = v.find(key);
  return f && f->is_int() ? f->as_int() : 0;
}

}  // namespace

Result<BulkJob> parse_bulk_job(std::string_view body) {
  auto v = parse_json(body);
  if (!v) return Error(ErrorKind::retryable, "salesforce bulk: " + v.error().message);
  if (!v->is_object() || text(*v, "id").empty()) {
    return Error(ErrorKind::retryable,
                 "salesforce bulk: expected a job, got: " + std::string(body.substr(0, 200)));
  }
  BulkJob job;
  job.id = text(*v, "id");
  job.object = text(*v, "object");
  job.operation = text(*v, "operation");
  job.state = text(*v, "state");
  job.error_message = text(*v, "errorMessage");
  job.processed = count(*v, "numberRecordsProcessed");
  job.failed = count(*v, "numberRecordsFailed");
  return job;
}

Result<BulkJob> bulk_create_ingest(SalesforceConnection& conn, const std::string& object,
                                   const std::string& operation, const std::string& external_id) {
  std::string body = "{\"object\":";
  append_json_string(object, body);
  body += ",\"operation\":";
  append_json_string(operation, body);
  if (!external_id.empty()) {
    body += ",\"externalIdFieldName\":";
    append_json_string(external_id, body);
  }
  body += ",\"contentType\":\"CSV\",\"lineEnding\":\"LF\",\"columnDelimiter\":\"COMMA\"}";
  auto res = conn.call("POST", "/jobs/ingest", body);
  std::string what = "salesforce bulk " + operation + " on " + object + ": creating the job";
  if (!res) return res.error().with_context(what);
  auto job = parse_bulk_job(res->body);
  if (!job) return job.error().with_context(what);
  return job;
}

Status bulk_upload(SalesforceConnection& conn, const BulkJob& job, const std::string& csv) {
  auto res = conn.call("PUT", job_path(job) + "/batches", csv,
                       {{"Content-Type", "text/csv"}, {"Accept", "application/json"}});
  if (!res) return res.error().with_context(job.what() + ": uploading");
  return {};
}

Result<BulkJob> bulk_close(SalesforceConnection& conn, const BulkJob& job) {
  auto res = conn.call("PATCH", job_path(job), "{\"state\":\"UploadComplete\"}");
  if (res) {
    auto closed = parse_bulk_job(res->body);
    if (closed) return closed;
  }
  // A resend after a lost answer is refused (the job is no longer Open):
  // the job's state tells.
  auto info = conn.call("GET", job_path(job));
  if (info) {
    auto now = parse_bulk_job(info->body);
    if (now && now->state != "Open") return now;
  }
  return (res ? Error(ErrorKind::retryable, "unreadable answer") : res.error())
      .with_context(job.what() + ": closing");
}

void bulk_abort(SalesforceConnection& conn, const BulkJob& job) {
  (void)conn.call("PATCH", job_path(job), "{\"state\":\"Aborted\"}");
}

Result<BulkJob> bulk_wait(SalesforceConnection& conn, const BulkJob& job) {
  double waited = 0, wait = 0;
  std::string last_error;
  while (true) {
    auto res = conn.call("GET", job_path(job));
    if (res) {
      auto info = parse_bulk_job(res->body);
      if (info && info->finished()) return info;
      if (!info) last_error = info.error().message;
    } else if (res.error().kind != ErrorKind::retryable) {
      return res.error().with_context(job.what() + ": waiting for it");
    } else {
      last_error = res.error().message;
    }
    if (waited >= kGiveUpSecs) {
      return Error(ErrorKind::retryable,
                   job.what() + ": not finished after " + std::to_string(int(waited)) + " s" +
                       (last_error.empty() ? "" : " (last poll: " + last_error + ")"));
    }
    wait = std::min(kMaxPollSecs, wait == 0 ? 1.0 : wait * 2);
    conn.clock().sleep_micros(static_cast<int64_t>(wait * 1e6));
    waited += wait;
  }
}

Result<std::string> bulk_ingest_results(SalesforceConnection& conn, const BulkJob& job,
                                        const char* which) {
  auto res = conn.call("GET", job_path(job) + "/" + which + "/", "", {{"Accept", "text/csv"}});
  if (!res) return res.error().with_context(job.what() + ": reading " + which);
  return std::move(res->body);
}

Result<BulkJob> bulk_create_query(SalesforceConnection& conn, const std::string& soql,
                                  bool include_deleted) {
  std::string body = "{\"operation\":\"";
  body += include_deleted ? "queryAll" : "query";
  body += "\",\"query\":";
  append_json_string(soql, body);
  body += ",\"contentType\":\"CSV\",\"lineEnding\":\"LF\",\"columnDelimiter\":\"COMMA\"}";
  auto res = conn.call("POST", "/jobs/query", body);
  std::string what = "salesforce bulk query (" + soql.substr(0, 200) + "): creating the job";
  if (!res) return res.error().with_context(what);
  auto job = parse_bulk_job(res->body);
  if (!job) return job.error().with_context(what);
  return job;
}

Result<BulkPage> bulk_query_page(SalesforceConnection& conn, const BulkJob& job,
                                 const std::string& locator, int64_t max_records) {
  std::string path = job_path(job) + "/results?maxRecords=" + std::to_string(max_records);
  if (!locator.empty()) path += "&locator=" + net::url_encode(locator);
  auto res = conn.call("GET", path, "", {{"Accept", "text/csv"}});
  if (!res) return res.error().with_context(job.what() + ": reading results");
  BulkPage page;
  auto next = res->header("Sforce-Locator");
  if (!next) {
    // Without it there is no telling whether more pages exist.
    return Error(ErrorKind::retryable,
                 job.what() + ": the results page has no Sforce-Locator header");
  }
  if (*next != "null") page.next_locator = *next;
  page.csv = std::move(res->body);
  return page;
}

}  // namespace crmsync
