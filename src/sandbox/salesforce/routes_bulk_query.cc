// Bulk API 2.0 query: a job runs its SOQL when created; results come as CSV
// pages, each naming the next with Sforce-Locator (the text "null" on the
// last) and counting its rows in Sforce-NumberOfRecords.
#include <charconv>

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
  std::string operation = body_text(*body, "operation", "query");
  std::string soql = body_text(*body, "query", "");
  if (operation != "query" && operation != "queryAll") {
    return answer_bulk_error(c, "INVALIDJOB", "Invalid operation: '" + operation + "'");
  }
  BulkJob format;
  if (!read_csv_format(c, *body, format)) return;
  auto parsed = parse_soql(soql);
  if (auto* e = std::get_if<SfError>(&parsed)) return answer_error(c.res, *e);
  if (std::get<SoqlQuery>(parsed).count_only || !std::get<SoqlQuery>(parsed).counts.empty()) {
    return answer_bulk_error(c, "API_ERROR", "Aggregate queries are not supported by Bulk API 2.0");
  }
  auto result = run_query(*s.store, std::get<SoqlQuery>(parsed), operation == "queryAll");
  if (auto* e = std::get_if<SfError>(&result)) return answer_error(c.res, *e);
  std::lock_guard lock(s.bulk.mutex);
  auto job = new_job(s, c, true);
  job->line_ending = format.line_ending;
  job->column_delimiter = format.column_delimiter;
  job->operation = operation;
  job->soql = soql;
  job->result = std::move(std::get<QueryResult>(result));
  job->object = job->result.object->name;
  job->state = "UploadComplete";
  answer_json(c.res, 200, job_info_json(*job, true, false));
  // Run at once: the next poll sees it complete.
  job->state = "JobComplete";
  job->processed = static_cast<int64_t>(job->result.rows.size());
  job->modstamp_micros = s.now();
}

std::optional<size_t> positive(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  size_t n = 0;
  auto r = std::from_chars(text->data(), text->data() + text->size(), n);
  if (r.ec != std::errc() || r.ptr != text->data() + text->size() || n == 0) return std::nullopt;
  return n;
}

void results(SandboxState& s, Call& c) {
  std::lock_guard lock(s.bulk.mutex);
  auto job = find_job(s, c, c.m[2], true);
  if (!job) return;
  if (job->state != "JobComplete") {
    return answer_error(c.res, sf_error(412, "JOB_NOT_COMPLETE",
                                        "Job " + job->id + " is " + job->state + ", not complete"));
  }
  size_t start = 0;
  if (auto loc = c.req.query_param("locator"); loc && !loc->empty()) {
    auto it = job->locators.find(*loc);
    if (it == job->locators.end()) {
      return answer_bulk_error(c, "INVALID_QUERY_LOCATOR", "Invalid locator: " + *loc);
    }
    start = it->second;
  }
  auto max_text = c.req.query_param("maxRecords");
  auto max = positive(max_text);
  if (max_text && !max) {
    return answer_bulk_error(c, "INVALIDJOB", "maxRecords must be a positive number");
  }
  const QueryResult& r = job->result;
  size_t end = std::min(r.rows.size(), start + max.value_or(s.options.bulk_page_records));
  std::string out;
  out.reserve((end - start) * 128 + 256);
  {
    auto read = s.store->read_lock();
    if (r.generation != s.store->generation()) {
      return answer_error(c.res,
                          sf_error(404, "NOT_FOUND", "The requested resource does not exist"));
    }
    render_csv_header(*r.select, job->delimiter(), job->eol(), out);
    render_csv_rows(*s.store, r, start, end, job->delimiter(), job->eol(), out);
  }
  std::string next = "null";
  if (end < r.rows.size()) {
    next = base64(std::to_string(end));
    while (!next.empty() && next.back() == '=') next.pop_back();
    job->locators[next] = end;
  }
  c.res.headers.emplace("Sforce-Locator", next);
  c.res.headers.emplace("Sforce-NumberOfRecords", std::to_string(end - start));
  answer_csv(c, std::move(out));
}

}  // namespace

void add_bulk_query_routes(SandboxState& s) {
  using A = Router::Access;
  std::string base = bulk_base(true);
  s.router.add("POST", base + "/?", "bulk.query.create", A::session,
               [&s](Call& c) { create(s, c); });
  s.router.add("GET", base + "/([^/]+)/results/?", "bulk.query.results", A::session,
               [&s](Call& c) { results(s, c); });
  add_bulk_job_routes(s, true);
}

}  // namespace crmsync::sandbox::salesforce
