#pragma once

#include <string_view>

#include "net/api_observer.h"
#include "service/metrics.h"

namespace crmsync::service {

// Counts a SyncEngine's API answers and budgets into the service's Metrics
// (crmsync_api_requests_total, crmsync_api_budget_remaining). Thread-safe
// as Metrics is; `metrics` must outlive it.
class MetricsApiObserver final : public net::ApiObserver {
 public:
  explicit MetricsApiObserver(Metrics& metrics) : metrics_(metrics) {}

  void answered(std::string_view connection, int http_status) override {
    metrics_.api_answer(connection, http_status);
  }
  void budget_remaining(std::string_view connection, double remaining) override {
    metrics_.set_budget_remaining(connection, remaining);
  }

 private:
  Metrics& metrics_;
};

}  // namespace crmsync::service
