#include "service/metrics.h"

#include <array>
#include <cstdint>
#include <vector>

#include "service/metrics_text.h"

namespace crmsync::service {

// Named rather than anonymous: Metrics::Impl holds these types.
namespace metrics_detail {

// Upper bounds of crmsync_run_duration_seconds, in seconds: a run takes from
// a second (an idle incremental poll) to hours (a first full load).
constexpr std::array<double, 9> kRunDurationBounds = {1, 5, 15, 60, 300, 900, 1800, 3600, 10800};

// One labelled family of counters or gauges. Samples are keyed by their
// label values (in the order of `labels`), so a std::map gives the
// exposition a stable order.
struct MetricFamily {
  const char* name;
  const char* help;
  const char* type;
  std::vector<const char*> labels;
  std::map<std::vector<std::string>, double> samples;
};

struct RunDurationHistogram {
  std::array<uint64_t, kRunDurationBounds.size() + 1> per_bucket{};  // not cumulative; last: +Inf
  double sum = 0;
  uint64_t count = 0;
};

void render_metric_family(const MetricFamily& f, std::string& out) {
  metrics_text::append_header(f.name, f.help, f.type, out);
  for (const auto& [values, value] : f.samples) {
    out += f.name;
    metrics_text::append_labels(f.labels, values, out);
    out += ' ';
    metrics_text::append_value(value, out);
    out += '\n';
  }
}

}  // namespace metrics_detail

using metrics_detail::kRunDurationBounds;
using metrics_detail::MetricFamily;
using metrics_detail::RunDurationHistogram;

struct Metrics::Impl {
  mutable std::mutex mu;
  MetricFamily records{"crmsync_records_total",
                       "Records handled by a flow, by operation (read, created, updated, skipped, "
                       "deleted, failed).",
                       "counter",
                       {"flow", "op"},
                       {}};
  MetricFamily runs{"crmsync_runs_total",
                    "Runs of a flow that ended, by final status.",
                    "counter",
                    {"flow", "status"},
                    {}};
  std::map<std::string, RunDurationHistogram, std::less<>> durations;  // by flow
  MetricFamily api{
      "crmsync_api_requests_total",
      "Answers from a connection's API (each attempt, retries included), by status class "
      "(error: no answer).",
      "counter",
      {"connection", "status_class"},
      {}};
  MetricFamily budget{"crmsync_api_budget_remaining",
                      "API calls left in the budget a connection reports (Salesforce daily API "
                      "requests, Pipedrive tokens).",
                      "gauge",
                      {"connection"},
                      {}};
  MetricFamily last_success{
      "crmsync_flow_last_success_timestamp_seconds",
      "End of the flow's last successful run, in seconds since the Unix epoch.",
      "gauge",
      {"flow"},
      {}};
  MetricFamily jobs{"crmsync_jobs", "Jobs by state (queued, running).", "gauge", {"state"}, {}};

  void render_durations(std::string& out) const {
    static constexpr const char* kName = "crmsync_run_duration_seconds";
    metrics_text::append_header(kName, "Duration of a flow's runs, in seconds.", "histogram", out);
    for (const auto& [flow, h] : durations) {
      metrics_text::append_flow_histogram(kName, flow, kRunDurationBounds, h.per_bucket, h.sum,
                                          h.count, out);
    }
  }
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {
  // Both states exist from the start: an idle service has 0 jobs, which a
  // dashboard should show as 0 rather than as no data.
  impl_->jobs.samples[{"queued"}] = 0;
  impl_->jobs.samples[{"running"}] = 0;
}

Metrics::~Metrics() = default;

void Metrics::add_records(std::string_view flow, const FlowCounts& delta) {
  // api_calls and expected are not records: api calls are counted per
  // connection, expected is a total rather than a count of events.
  const std::pair<const char*, int64_t> ops[] = {
      {"read", delta.read},       {"created", delta.created}, {"updated", delta.updated},
      {"skipped", delta.skipped}, {"deleted", delta.deleted}, {"failed", delta.failed}};
  std::lock_guard lock(impl_->mu);
  for (const auto& [op, n] : ops) {
    impl_->records.samples[{std::string(flow), op}] += static_cast<double>(n);
  }
}

void Metrics::run_ended(std::string_view flow, RunStatus status, double duration_secs) {
  if (!(duration_secs >= 0)) duration_secs = 0;  // NaN or a clock stepped back
  std::lock_guard lock(impl_->mu);
  impl_->runs.samples[{std::string(flow), std::string(to_string(status))}] += 1;
  auto it = impl_->durations.find(flow);
  if (it == impl_->durations.end())
    it = impl_->durations.emplace(std::string(flow), RunDurationHistogram{}).first;
  RunDurationHistogram& h = it->second;
  size_t bucket = 0;
  while (bucket < kRunDurationBounds.size() && duration_secs > kRunDurationBounds[bucket]) ++bucket;
  ++h.per_bucket[bucket];
  h.sum += duration_secs;
  ++h.count;
}

void Metrics::set_last_success(std::string_view flow, int64_t unix_micros) {
  std::lock_guard lock(impl_->mu);
  impl_->last_success.samples[{std::string(flow)}] = static_cast<double>(unix_micros) / 1e6;
}

void Metrics::api_answer(std::string_view connection, int http_status) {
  std::lock_guard lock(impl_->mu);
  impl_->api.samples[{std::string(connection), metrics_text::status_class(http_status)}] += 1;
}

void Metrics::set_budget_remaining(std::string_view connection, double remaining) {
  std::lock_guard lock(impl_->mu);
  impl_->budget.samples[{std::string(connection)}] = remaining;
}

std::optional<double> Metrics::budget_remaining(std::string_view connection) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->budget.samples.find({std::string(connection)});
  if (it == impl_->budget.samples.end()) return std::nullopt;
  return it->second;
}

void Metrics::set_jobs(std::string_view state, int64_t count) {
  std::lock_guard lock(impl_->mu);
  impl_->jobs.samples[{std::string(state)}] = static_cast<double>(count);
}

std::string Metrics::render() const {
  std::string out;
  std::lock_guard lock(impl_->mu);
  metrics_detail::render_metric_family(impl_->records, out);
  metrics_detail::render_metric_family(impl_->runs, out);
  impl_->render_durations(out);
  metrics_detail::render_metric_family(impl_->api, out);
  metrics_detail::render_metric_family(impl_->budget, out);
  metrics_detail::render_metric_family(impl_->last_success, out);
  metrics_detail::render_metric_family(impl_->jobs, out);
  webhooks_.render(out);
  return out;
}

}  // namespace crmsync::service
