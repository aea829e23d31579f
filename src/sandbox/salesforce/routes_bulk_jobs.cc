// Bulk API 2.0 routes every job has: list, info, state changes, delete.
#include "core/csv.h"
#include "core/json.h"
#include "sandbox/salesforce/body_json.h"
#include "sandbox/salesforce/bulk_routes.h"
#include "sandbox/salesforce/ids.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {

std::string bulk_base(bool query) {
  return std::string("/services/data/v(\\d+\\.\\d+)/jobs/") + (query ? "query" : "ingest");
}

void answer_bulk_error(Call& c, const std::string& code, const std::string& message) {
  answer_error(c.res, sf_error(400, code, message));
}

std::string body_text(const Value& body, const char* key, const char* fallback) {
  const Value* v = body.find(key);
  return v && v->is_string() ? v->as_string() : fallback;
}

bool read_csv_format(Call& c, const Value& body, BulkJob& job) {
  job.line_ending = body_text(body, "lineEnding", "LF");
  job.column_delimiter = body_text(body, "columnDelimiter", "COMMA");
  if (job.line_ending != "LF" && job.line_ending != "CRLF") {
    answer_bulk_error(c, "INVALIDJOB", "Invalid line ending: " + job.line_ending);
    return false;
  }
  if (!csv_delimiter_of(job.column_delimiter)) {
    answer_bulk_error(c, "INVALIDJOB", "Invalid column delimiter: " + job.column_delimiter);
    return false;
  }
  return true;
}

void answer_csv(Call& c, std::string body) {
  c.res.status = 200;
  c.res.content_type = "text/csv";
  c.res.body = std::move(body);
}

std::shared_ptr<BulkJob> find_job(SandboxState& s, Call& c, const std::string& id, bool query) {
  auto id18 = normalize_id(id);
  auto it = id18 ? s.bulk.jobs.find(*id18) : s.bulk.jobs.end();
  if (it == s.bulk.jobs.end() || it->second->query != query) {
    answer_error(c.res, sf_error(404, "NOT_FOUND", "The requested resource does not exist"));
    return nullptr;
  }
  return it->second;
}

std::shared_ptr<BulkJob> new_job(SandboxState& s, Call& c, bool query) {
  auto job = std::make_shared<BulkJob>();
  job->id = make_id("750", s.bulk.next++);
  job->query = query;
  job->api_version = c.m[1];
  job->created_by = c.user_id;
  job->created_micros = job->modstamp_micros = s.now();
  s.bulk.jobs[job->id] = job;
  return job;
}

namespace {

void list(SandboxState& s, Call& c, bool query) {
  std::lock_guard lock(s.bulk.mutex);
  std::string out = "{\"done\":true,\"records\":[";
  bool first = true;
  for (const auto& [id, job] : s.bulk.jobs) {
    if (job->query != query) continue;
    if (!first) out += ',';
    first = false;
    out += job_info_json(*job, false, true);
  }
  answer_json(c.res, 200, out + "],\"nextRecordsUrl\":null}");
}

void info(SandboxState& s, Call& c, bool query) {
  std::lock_guard lock(s.bulk.mutex);
  auto job = find_job(s, c, c.m[2], query);
  if (job) answer_json(c.res, 200, job_info_json(*job, false, true));
}

void change_state(SandboxState& s, Call& c, bool query) {
  auto body = parse_body(c.req.body, c.res, true);
  if (!body) return;
  const Value* want = body->find("state");
  std::lock_guard lock(s.bulk.mutex);
  auto job = find_job(s, c, c.m[2], query);
  if (!job) return;
  std::string to = want && want->is_string() ? want->as_string() : "";
  bool terminal = job->state == "JobComplete" || job->state == "Failed" || job->state == "Aborted";
  if (to == "Aborted" && !terminal) {
    if (!query && job->uploaded && job->state == "Open") {
      size_t eol = job->upload.find('\n');
      job->unprocessed_rows = eol == std::string::npos ? "" : job->upload.substr(eol + 1);
      job->header_line = job->upload.substr(0, eol);
    }
    job->state = "Aborted";
    job->modstamp_micros = s.now();
    return answer_json(c.res, 200, job_info_json(*job, false, false));
  }
  if (to == "UploadComplete" && !query && job->state == "Open") {
    job->state = "UploadComplete";
    job->modstamp_micros = s.now();
    // The answer shows the job queued, as Salesforce's does; the work is
    // done before the next request sees the job.
    answer_json(c.res, 200, job_info_json(*job, false, false));
    if (!job->uploaded) {
      job->state = "Failed";
      job->error_message = "InvalidBatch : No data was uploaded for this job";
      return;
    }
    return process_ingest(s, *job);
  }
  if (to != "Aborted" && to != "UploadComplete") {
    return answer_bulk_error(c, "INVALIDJOBSTATE", "Invalid state: " + to);
  }
  answer_bulk_error(c, "INVALIDJOBSTATE",
                    "Job " + job->id + " is " + job->state + " and cannot change to " + to);
}

void remove(SandboxState& s, Call& c, bool query) {
  std::lock_guard lock(s.bulk.mutex);
  auto job = find_job(s, c, c.m[2], query);
  if (!job) return;
  s.bulk.jobs.erase(job->id);
  c.res.status = 204;
  c.res.body.clear();
}

}  // namespace

void add_bulk_job_routes(SandboxState& s, bool query) {
  using A = Router::Access;
  std::string base = bulk_base(query);
  std::string name = query ? "bulk.query." : "bulk.ingest.";
  s.router.add("GET", base + "/?", name + "list", A::session,
               [&s, query](Call& c) { list(s, c, query); });
  s.router.add("GET", base + "/([^/]+)/?", name + "info", A::session,
               [&s, query](Call& c) { info(s, c, query); });
  s.router.add("PATCH", base + "/([^/]+)/?", name + "state", A::session,
               [&s, query](Call& c) { change_state(s, c, query); });
  s.router.add("DELETE", base + "/([^/]+)/?", name + "delete", A::session,
               [&s, query](Call& c) { remove(s, c, query); });
}

}  // namespace crmsync::sandbox::salesforce
