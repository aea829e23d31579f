// The run endpoints of the API (docs/api.md "Runs").
#include <limits>

#include "core/redact.h"
#include "core/time.h"
#include "service/api_http.h"
#include "service/api_render.h"
#include "service/api_routes.h"
#include "service/api_run_request.h"

namespace crmsync::service {
namespace {

constexpr int64_t kMaxPage = 500;
constexpr int64_t kDefaultPage = 50;
constexpr int64_t kMaxId = std::numeric_limits<int64_t>::max();

std::string run_path(int64_t id) {
  return std::string(kApiPrefix) + "/runs/" + std::to_string(id);
}

std::optional<RunProgress> live_progress(ApiContext& api, const RunInfo& run) {
  if (is_final(run.status)) return std::nullopt;
  return api.control.progress(run.id);
}

// The run, or the 404 (or 500) answer already made.
std::optional<RunInfo> find_run(ApiContext& api, int64_t id, net::HttpResponse& response) {
  auto run = api.control.store().run(id);
  if (!run) {
    answer_error(response, store_failure(run.error()));
    return std::nullopt;
  }
  if (!*run) {
    answer_error(response, request_error(404, "not_found", "no run " + std::to_string(id), "id"));
    return std::nullopt;
  }
  return std::move(**run);
}

std::string queued_body(int64_t id, int64_t retry_of = 0) {
  JsonOut out;
  out.begin_object();
  out.key("id").integer(id);
  out.key("status").string("queued");
  if (retry_of > 0) out.key("retry_of").integer(retry_of);
  out.end_object();
  return out.take();
}

// A refusal of the service about the run in the path names the path's id.
RequestError about_path_run(RequestError error) {
  if (error.status == 404 && error.field.empty()) error.field = "id";
  return error;
}

void answer_queued(net::HttpResponse& response, int64_t id, int64_t retry_of = 0) {
  answer_json(response, 202, queued_body(id, retry_of));
  response.headers.emplace("Location", run_path(id));
}

// The RFC 3339 time of query parameter `name` as unix micros; 0 when absent.
Answer<int64_t> query_time(const net::HttpRequest& request, const char* name) {
  Answer<int64_t> answer;
  auto text = request.query_param(name);
  if (!text) {
    answer.value = 0;
    return answer;
  }
  auto at = DateTime::parse(*text);
  if (!at || at->micros <= 0) {
    answer.error = request_error(400, "invalid_value",
                                 std::string("query parameter '") + name +
                                     "' must be an RFC 3339 time with its zone "
                                     "(2026-12-06T00:00:00Z)",
                                 name);
    return answer;
  }
  answer.value = at->micros;
  return answer;
}

}  // namespace

void list_runs(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response) {
  if (auto ok = check_query(request, {"limit", "before", "flow", "status", "from", "to"}); !ok)
    return answer_error(response, ok.error);
  auto limit = query_integer(request, "limit", 1, kMaxPage, kDefaultPage);
  if (!limit) return answer_error(response, limit.error);
  auto before = query_integer(request, "before", 1, kMaxId, 0);
  if (!before) return answer_error(response, before.error);
  RunFilter filter;
  filter.before_id = *before.value;
  filter.limit = static_cast<size_t>(*limit.value) + 1;  // one more: is there a next page?
  filter.flow = request.query_param("flow").value_or("");
  if (auto status = request.query_param("status")) {
    auto parsed = parse_run_status(*status);
    if (!parsed)
      return answer_error(response,
                          request_error(400, "invalid_value",
                                        "query parameter 'status' must be one of queued, running, "
                                        "succeeded, partial, failed, cancelled, interrupted",
                                        "status"));
    filter.status = *parsed;
  }
  auto from = query_time(request, "from");
  if (!from) return answer_error(response, from.error);
  auto to = query_time(request, "to");
  if (!to) return answer_error(response, to.error);
  filter.queued_from = *from.value;
  filter.queued_to = *to.value;
  auto runs = api.control.store().runs(filter);
  if (!runs) return answer_error(response, store_failure(runs.error()));
  bool more = runs->size() > static_cast<size_t>(*limit.value);
  if (more) runs->resize(static_cast<size_t>(*limit.value));

  JsonOut out;
  out.begin_object().key("runs").begin_array();
  for (const RunInfo& run : *runs) write_run(out, run, live_progress(api, run));
  out.end_array();
  out.key("next");
  if (more) {
    std::string next = std::string(kApiPrefix) + "/runs?limit=" + std::to_string(*limit.value) +
                       "&before=" + std::to_string(runs->back().id);
    if (!filter.flow.empty()) next += "&flow=" + url_encode(filter.flow);
    if (filter.status) next += "&status=" + std::string(to_string(*filter.status));
    for (const char* bound : {"from", "to"})
      if (auto v = request.query_param(bound))
        next += std::string("&") + bound + "=" + url_encode(*v);
    out.string(next);
  } else {
    out.null();
  }
  out.end_object();
  answer_json(response, 200, out.take());
}

void get_run(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response) {
  auto id = path_run_id(request);
  if (!id) return answer_error(response, id.error);
  if (auto ok = check_query(request, {}); !ok) return answer_error(response, ok.error);
  auto run = find_run(api, *id.value, response);
  if (!run) return;
  JsonOut out;
  write_run(out, *run, live_progress(api, *run));
  answer_json(response, 200, out.take());
}

void submit_run(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response) {
  if (auto ok = check_query(request, {}); !ok) return answer_error(response, ok.error);
  auto parsed = parse_run_request(request.body);
  if (!parsed) return answer_error(response, parsed.error);
  auto id = api.control.submit(*parsed.value);
  if (!id) return answer_error(response, id.error);
  answer_queued(response, *id.value);
}

void cancel_run(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response) {
  auto id = path_run_id(request);
  if (!id) return answer_error(response, id.error);
  if (auto ok = check_query(request, {}); !ok) return answer_error(response, ok.error);
  auto run = api.control.cancel(*id.value);
  if (!run) return answer_error(response, about_path_run(run.error));
  JsonOut out;
  write_run(out, *run.value, live_progress(api, *run.value));
  answer_json(response, 202, out.take());
}

void retry_run(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response) {
  auto id = path_run_id(request);
  if (!id) return answer_error(response, id.error);
  if (auto ok = check_query(request, {}); !ok) return answer_error(response, ok.error);
  auto retry = api.control.retry(*id.value);
  if (!retry) return answer_error(response, about_path_run(retry.error));
  answer_queued(response, *retry.value, *id.value);
}

void list_run_errors(ApiContext& api, const net::HttpRequest& request,
                     net::HttpResponse& response) {
  auto id = path_run_id(request);
  if (!id) return answer_error(response, id.error);
  if (auto ok = check_query(request, {"limit", "after"}); !ok)
    return answer_error(response, ok.error);
  auto limit = query_integer(request, "limit", 1, kMaxPage, kDefaultPage);
  if (!limit) return answer_error(response, limit.error);
  auto after = query_integer(request, "after", 0, kMaxId, 0);
  if (!after) return answer_error(response, after.error);
  if (!find_run(api, *id.value, response)) return;
  auto errors = api.control.store().errors_page(*id.value, *after.value,
                                                static_cast<size_t>(*limit.value) + 1);
  if (!errors) return answer_error(response, store_failure(errors.error()));
  bool more = errors->size() > static_cast<size_t>(*limit.value);
  if (more) errors->resize(static_cast<size_t>(*limit.value));

  JsonOut out;
  out.begin_object().key("errors").begin_array();
  for (const RecordError& e : *errors) write_record_error(out, e);
  out.end_array();
  out.key("next");
  if (more)
    out.string(run_path(*id.value) + "/errors?limit=" + std::to_string(*limit.value) +
               "&after=" + std::to_string(errors->back().id));
  else
    out.null();
  out.end_object();
  answer_json(response, 200, out.take());
}

}  // namespace crmsync::service
