#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "net/http_server.h"
#include "service/cdc_watchers.h"
#include "service/config_load.h"
#include "service/connection_checks.h"
#include "service/metrics.h"
#include "service/metrics_observer.h"
#include "service/oauth_connect.h"
#include "service/progress_hub.h"
#include "service/scheduler.h"
#include "service/service.h"
#include "service/service_log.h"
#include "service/webhook_drainer.h"
#include "service/webhook_receiver.h"

namespace crmsync::service {

// The Service behind service.h, in several files: service.cc (life cycle:
// create, start, stop, reload), service_jobs.cc (queueing, coalescing,
// resume), service_worker.cc (running jobs), service_control.cc (what the
// API asks).
class ServiceImpl final : public Service, public SchedulerHost {
 public:
  ServiceImpl(ServeOptions options, std::unique_ptr<Clock> own_clock, Clock& clock);
  ~ServiceImpl() override;

  Status init();  // create(): config, store

  // Service
  Status start() override;
  void stop() override;
  Status reload() override;
  int port() const override;
  bool config_changed() override;

  // ServiceControl
  Answer<int64_t> submit(const RunRequest& request) override;
  Answer<RunInfo> cancel(int64_t run_id) override;
  Answer<int64_t> retry(int64_t run_id) override;
  Answer<int64_t> retry_error(int64_t error_id) override;
  Answer<RunReport> plan(const RunRequest& request, size_t max_diffs) override;
  std::vector<FlowStatus> flows() override;
  std::vector<ConnectionStatus> connections() override;
  Answer<ConnectionStatus> check_connection(const std::string& name) override;
  Answer<std::string> begin_connect(const std::string& name, const std::string& origin) override;
  Answer<std::string> finish_connect(const std::string& state, const std::string& code) override;
  Answer<std::string> disconnect(const std::string& name) override;
  std::optional<RunProgress> progress(int64_t run_id) override;
  int64_t watch_progress(std::function<void(const RunProgress&)> listener) override;
  void unwatch_progress(int64_t handle) override;
  StateStore& store() override { return *store_; }
  Readiness readiness() override;

  // SchedulerHost
  std::shared_ptr<const Config> config_snapshot() override;
  Result<QueuedJob> queue_job(const RunRequest& request) override;
  void check_config_file() override;

 private:
  // A job a worker took: its run, config snapshot and flows.
  struct Job {
    RunInfo info;
    std::shared_ptr<const Config> config;
    std::vector<std::string> flows;  // resolved (all flows when the request names none)
  };

  // service_jobs.cc
  Status resume_interrupted();
  void update_job_gauges();
  // The config a request runs on: the current snapshot for serve's own
  // params, else the config loaded with the request's params (which must
  // keep the state store).
  Result<std::shared_ptr<const Config>> config_for(const std::map<std::string, std::string>& params,
                                                   std::string* bad_param);
  static std::vector<std::string> resolve_flows(const Config& config,
                                                const std::vector<std::string>& flows);

  // service_control.cc: refuses a request naming an unknown flow or param
  // (submit, plan); nullopt when it is good.
  std::optional<RequestError> refuse_request(const RunRequest& request);

  // service_worker.cc
  void worker_loop(size_t index);
  std::optional<Job> take_job();
  void run_job(Job& job);
  bool cancel_asked(int64_t run_id);
  void finish_job(const Job& job);
  // A scheduled run of webhook flows: records it wrote that no webhook
  // announced go to crmsync_webhook_missed_total.
  void count_missed(const Job& job, const RunReport& report);

  ServeOptions options_;
  std::unique_ptr<Clock> own_clock_;
  Clock& clock_;
  ServiceLog log_;
  std::unique_ptr<StateStore> store_;
  Metrics metrics_;
  MetricsApiObserver api_observer_{metrics_};  // every connection's answers -> metrics_
  ProgressHub progress_;
  std::string state_path_;

  mutable std::mutex config_mu_;  // config_, fingerprint_
  std::shared_ptr<const Config> config_;
  FileFingerprint fingerprint_;
  std::mutex reload_mu_;  // one reload at a time

  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<CdcWatchers> watchers_;
  std::unique_ptr<ConnectionChecks> checks_;
  std::unique_ptr<OAuthConnects> oauth_;
  std::unique_ptr<net::HttpServer> server_;
  std::unique_ptr<WebhookDrainer> drainer_;
  std::unique_ptr<WebhookReceiver> receiver_;
  std::mutex queue_mu_;  // one coalescing decision at a time (look, then queue)

  std::mutex jobs_mu_;  // everything below up to workers_
  std::condition_variable jobs_cv_;
  std::set<int64_t> claimed_;                  // runs taken by a worker, not ended
  std::map<std::string, int64_t> flow_owner_;  // flow -> run going on here
  std::set<int64_t> cancel_requested_;
  uint64_t queue_generation_ = 0;  // grows when a job is queued or ends
  std::map<int64_t, std::chrono::steady_clock::time_point> cancel_checked_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::atomic<bool> stop_flag_{false};  // read at every batch boundary
  bool started_ = false;
  bool stopped_ = false;

  std::mutex ready_mu_;
  int64_t store_checked_at_ = 0;
  std::string store_problem_;
};

}  // namespace crmsync::service
