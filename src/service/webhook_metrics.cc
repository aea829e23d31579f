#include "service/webhook_metrics.h"

#include <array>
#include <vector>

#include "service/metrics_text.h"

namespace crmsync::service {

namespace webhook_metrics_detail {

// Upper bounds of crmsync_change_latency_seconds: from a webhook drained at
// once (well under a second) to a change a poll found (minutes).
constexpr std::array<double, 11> kLatencyBounds = {0.05, 0.1, 0.25, 0.5, 1,  2.5,
                                                   5,    10,  30,   60,  300};

struct Family {
  const char* name;
  const char* help;
  const char* type;
  std::vector<const char*> labels;
  std::map<std::vector<std::string>, double> samples;

  void render(std::string& out) const {
    metrics_text::append_header(name, help, type, out);
    for (const auto& [values, value] : samples) {
      out += name;
      metrics_text::append_labels(labels, values, out);
      out += ' ';
      metrics_text::append_value(value, out);
      out += '\n';
    }
  }
};

struct LatencyHistogram {
  std::array<uint64_t, kLatencyBounds.size() + 1> per_bucket{};  // last: +Inf
  double sum = 0;
  uint64_t count = 0;
};

}  // namespace webhook_metrics_detail

using webhook_metrics_detail::Family;
using webhook_metrics_detail::kLatencyBounds;
using webhook_metrics_detail::LatencyHistogram;

struct WebhookMetrics::Impl {
  mutable std::mutex mu;
  Family received{"crmsync_webhook_received_total",
                  "Webhook deliveries to a connection that takes webhooks.",
                  "counter",
                  {"connection"},
                  {}};
  Family rejected{"crmsync_webhook_rejected_total",
                  "Webhook deliveries refused, by reason (malformed, auth failures, "
                  "replayed, flood).",
                  "counter",
                  {"connection", "reason"},
                  {}};
  Family ignored{"crmsync_webhook_ignored_total",
                 "Webhook deliveries acknowledged for an object no webhook flow reads.",
                 "counter",
                 {"connection"},
                 {}};
  Family duplicates{"crmsync_webhook_duplicates_total",
                    "Webhook events dropped because the inbox already held them.",
                    "counter",
                    {"connection"},
                    {}};
  Family skipped{"crmsync_webhook_skipped_total",
                 "Drained webhook events for records outside the flow's filter.",
                 "counter",
                 {"flow"},
                 {}};
  Family missed{"crmsync_webhook_missed_total",
                "Records a scheduled run of a webhook flow wrote that no webhook announced.",
                "counter",
                {"flow"},
                {}};
  Family inbox{"crmsync_inbox_events",
               "Webhook inbox events by state (pending, done, skipped, failed).",
               "gauge",
               {"state"},
               {}};
  std::map<std::string, LatencyHistogram, std::less<>> latency;

  void render_latency(std::string& out) const {
    static constexpr const char* kName = "crmsync_change_latency_seconds";
    metrics_text::append_header(
        kName, "From a change in the source (the webhook's time) to its write's commit.",
        "histogram", out);
    for (const auto& [flow, h] : latency) {
      metrics_text::append_flow_histogram(kName, flow, kLatencyBounds, h.per_bucket, h.sum, h.count,
                                          out);
    }
  }
};

WebhookMetrics::WebhookMetrics() : impl_(std::make_unique<Impl>()) {
  for (const char* state : {"pending", "done", "skipped", "failed"}) {
    impl_->inbox.samples[{state}] = 0;
  }
}

WebhookMetrics::~WebhookMetrics() = default;

void WebhookMetrics::received(std::string_view connection) {
  std::lock_guard lock(impl_->mu);
  impl_->received.samples[{std::string(connection)}] += 1;
}

void WebhookMetrics::rejected(std::string_view connection, std::string_view reason) {
  std::lock_guard lock(impl_->mu);
  impl_->rejected.samples[{std::string(connection), std::string(reason)}] += 1;
}

void WebhookMetrics::ignored(std::string_view connection) {
  std::lock_guard lock(impl_->mu);
  impl_->ignored.samples[{std::string(connection)}] += 1;
}

void WebhookMetrics::duplicates(std::string_view connection, int64_t n) {
  std::lock_guard lock(impl_->mu);
  impl_->duplicates.samples[{std::string(connection)}] += static_cast<double>(n);
}

void WebhookMetrics::skipped(std::string_view flow, int64_t n) {
  std::lock_guard lock(impl_->mu);
  impl_->skipped.samples[{std::string(flow)}] += static_cast<double>(n);
}

void WebhookMetrics::missed(std::string_view flow, int64_t n) {
  std::lock_guard lock(impl_->mu);
  impl_->missed.samples[{std::string(flow)}] += static_cast<double>(n);
}

void WebhookMetrics::set_inbox_events(std::string_view state, int64_t n) {
  std::lock_guard lock(impl_->mu);
  impl_->inbox.samples[{std::string(state)}] = static_cast<double>(n);
}

void WebhookMetrics::change_latency(std::string_view flow, double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // a sender's clock ahead of ours
  std::lock_guard lock(impl_->mu);
  auto it = impl_->latency.find(flow);
  if (it == impl_->latency.end())
    it = impl_->latency.emplace(std::string(flow), LatencyHistogram{}).first;
  size_t bucket = 0;
  while (bucket < kLatencyBounds.size() && seconds > kLatencyBounds[bucket]) ++bucket;
  ++it->second.per_bucket[bucket];
  it->second.sum += seconds;
  ++it->second.count;
}

void WebhookMetrics::render(std::string& out) const {
  std::lock_guard lock(impl_->mu);
  impl_->received.render(out);
  impl_->rejected.render(out);
  impl_->ignored.render(out);
  impl_->duplicates.render(out);
  impl_->skipped.render(out);
  impl_->missed.render(out);
  impl_->inbox.render(out);
  impl_->render_latency(out);
}

}  // namespace crmsync::service
