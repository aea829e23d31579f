// POST /api/v1/errors/{id}/retry and POST /api/v1/plan (docs/api.md
// "Errors", "Plan"): one failed record retried, and a dry run's counts and
// first diffs, for the dashboard's errors and start pages.
#include "core/redact.h"
#include "service/api_http.h"
#include "service/api_render.h"
#include "service/api_routes.h"
#include "service/api_run_request.h"

namespace crmsync::service {
namespace {

constexpr int64_t kMaxDiffs = 100;
constexpr int64_t kDefaultDiffs = 10;

void write_change(JsonOut& out, const PlannedChange& c) {
  out.begin_object();
  out.key("action").string(c.action);
  out.key("source_id").string(c.source_id);
  out.key("target_id").string_or_null(c.target_id);
  out.key("held").boolean(c.held);
  out.key("fields").begin_array();
  for (const PlannedChange::Field& f : c.fields) {
    out.begin_object();
    out.key("name").string(f.name);
    out.key("before").string_or_null(f.before);
    out.key("after").string(f.after);
    out.end_object();
  }
  out.end_array();
  out.end_object();
}

}  // namespace

void retry_error(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response) {
  if (auto ok = check_query(request, {}); !ok) return answer_error(response, ok.error);
  auto id = path_run_id(request);  // a positive integer in the path, like a run's
  if (!id) {
    return answer_error(
        response, request_error(404, "not_found",
                                "no record error '" + scrub(request.matches.at(1)) + "'", "id"));
  }
  auto run = api.control.retry_error(*id.value);
  if (!run) return answer_error(response, run.error);
  JsonOut out;
  out.begin_object();
  out.key("id").integer(*run.value);
  out.key("status").string("queued");
  out.key("error_id").integer(*id.value);
  out.end_object();
  answer_json(response, 202, out.take());
  response.headers.emplace("Location",
                           std::string(kApiPrefix) + "/runs/" + std::to_string(*run.value));
}

void plan_run(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response) {
  if (auto ok = check_query(request, {"diffs"}); !ok) return answer_error(response, ok.error);
  auto diffs = query_integer(request, "diffs", 0, kMaxDiffs, kDefaultDiffs);
  if (!diffs) return answer_error(response, diffs.error);
  auto parsed = parse_run_request(request.body.empty() ? "{}" : request.body);
  if (!parsed) return answer_error(response, parsed.error);
  auto report = api.control.plan(*parsed.value, static_cast<size_t>(*diffs.value));
  if (!report) return answer_error(response, report.error);
  JsonOut out;
  out.begin_object();
  out.key("status").string(to_string(report.value->status));
  out.key("flows").begin_array();
  for (const std::string& name : report.value->order) {
    auto it = report.value->flows.find(name);
    if (it == report.value->flows.end()) continue;
    const FlowReport& f = it->second;
    const FlowCounts& c = f.counts;
    out.begin_object();
    out.key("flow").string(name);
    out.key("read").integer(c.read);
    out.key("created").integer(c.created);
    out.key("updated").integer(c.updated);
    out.key("skipped").integer(c.skipped);
    out.key("deleted").integer(c.deleted);
    out.key("failed").integer(c.failed);
    out.key("error").string_or_null(scrub(f.error));
    out.key("changes").begin_array();
    for (const PlannedChange& change : f.planned) write_change(out, change);
    out.end_array();
    out.end_object();
  }
  out.end_array();
  out.end_object();
  answer_json(response, 200, out.take());
}

}  // namespace crmsync::service
