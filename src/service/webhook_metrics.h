#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace crmsync::service {

// The webhook part of /metrics (issue 19). Thread-safe; counters reset
// with the process (the Prometheus norm; `crmsync inbox` shows the
// rejections the state store keeps).
//   crmsync_webhook_received_total{connection}         deliveries to a configured connection
//   crmsync_webhook_rejected_total{connection,reason}  refused (400, 401, 429)
//   crmsync_webhook_ignored_total{connection}          acknowledged, no flow reads the object
//   crmsync_webhook_duplicates_total{connection}       events already in the inbox
//   crmsync_webhook_skipped_total{flow}                drained events outside the flow's filter
//   crmsync_webhook_missed_total{flow}                 records a scheduled run wrote that no
//                                                      webhook announced
//   crmsync_inbox_events{state}                        gauge: inbox rows by state
//   crmsync_change_latency_seconds{flow}               histogram: change time to write commit
class WebhookMetrics {
 public:
  WebhookMetrics();
  ~WebhookMetrics();

  void received(std::string_view connection);
  void rejected(std::string_view connection, std::string_view reason);
  void ignored(std::string_view connection);
  void duplicates(std::string_view connection, int64_t n);
  void skipped(std::string_view flow, int64_t n);
  void missed(std::string_view flow, int64_t n);
  void set_inbox_events(std::string_view state, int64_t n);
  void change_latency(std::string_view flow, double seconds);

  void render(std::string& out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace crmsync::service
