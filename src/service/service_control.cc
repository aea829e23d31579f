// What the API sees of and asks from the service (control.h).
#include "core/redact.h"
#include "mapping/mapping.h"
#include "service/service_impl.h"

namespace crmsync::service {
namespace {

// How often readiness writes to the store to prove it writable.
constexpr int64_t kStoreCheckMicros = 5'000'000;
// The scheduler loop runs at least every 30 s; twice that is idle.
constexpr int64_t kSchedulerIdleMicros = 60'000'000;
// The store key readiness writes (not a flow name: names are [A-Za-z0-9_-]).
constexpr const char* kReadinessKey = ".readyz";
// How many open record errors flows() counts at most (each is read whole).
constexpr size_t kOpenErrorsCounted = 10'000;

template <typename T>
Answer<T> refuse(int status, std::string code, std::string message, std::string field = "") {
  Answer<T> a;
  a.error = RequestError{status, std::move(code), std::move(message), std::move(field)};
  return a;
}

template <typename T>
Answer<T> accept(T value) {
  Answer<T> a;
  a.value = std::move(value);
  return a;
}

}  // namespace

std::optional<RequestError> ServiceImpl::refuse_request(const RunRequest& request) {
  auto config = config_snapshot();
  for (size_t i = 0; i < request.flows.size(); ++i) {
    if (config->flow(request.flows[i]) == nullptr) {
      return RequestError{400, "unknown_flow", "no flow named '" + request.flows[i] + "'",
                          "flows[" + std::to_string(i) + "]"};
    }
  }
  for (const auto& [name, value] : request.params) {
    bool declared = false;
    for (const ParamConfig& p : config->params) declared = declared || p.name == name;
    if (!declared) {
      return RequestError{400, "unknown_param", "the config declares no param '" + name + "'",
                          "params." + name};
    }
  }
  std::string bad;
  auto run_config = config_for(request.params, &bad);
  if (!run_config) {
    return RequestError{400, "invalid_param", run_config.error().message, "params." + bad};
  }
  return std::nullopt;
}

Answer<int64_t> ServiceImpl::submit(const RunRequest& request) {
  if (auto refused = refuse_request(request)) {
    Answer<int64_t> a;
    a.error = std::move(*refused);
    return a;
  }
  {
    std::lock_guard<std::mutex> lock(jobs_mu_);
    if (stopping_) return refuse<int64_t>(503, "stopping", "serve is stopping");
  }
  RunRequest r = request;
  std::map<std::string, std::string> params = options_.params;
  for (const auto& [k, v] : request.params) params[k] = v;
  r.params = std::move(params);
  if (r.trigger.empty()) r.trigger = "api";
  auto q = queue_job(r);
  if (!q) return refuse<int64_t>(503, "store_error", q.error().message);
  return accept(q->run_id);
}

Answer<RunInfo> ServiceImpl::cancel(int64_t run_id) {
  auto info = store_->run(run_id);
  if (!info) return refuse<RunInfo>(503, "store_error", info.error().message);
  if (!*info) return refuse<RunInfo>(404, "not_found", "no run " + std::to_string(run_id));
  RunStatus before = (*info)->status;
  if (is_final(before)) {
    return refuse<RunInfo>(409, "run_ended",
                           "run " + std::to_string(run_id) + " already ended (" +
                               std::string(to_string(before)) + ")");
  }
  auto asked = store_->request_cancel(run_id, clock_.now_micros());
  if (!asked) return refuse<RunInfo>(503, "store_error", asked.error().message);
  if (!*asked) {
    return refuse<RunInfo>(409, "run_ended", "run " + std::to_string(run_id) + " already ended");
  }
  {
    std::lock_guard<std::mutex> lock(jobs_mu_);
    cancel_requested_.insert(run_id);
  }
  auto after = store_->run(run_id);
  if (!after || !*after) return refuse<RunInfo>(503, "store_error", "run vanished after cancel");
  if ((*after)->status == RunStatus::cancelled) {
    log_.info("run_cancelled", {{"run", Value(run_id)}});
    progress_.update(run_id, [](RunProgress& p) { p.status = RunStatus::cancelled; });
    update_job_gauges();
  } else {
    log_.info("cancel_requested", {{"run", Value(run_id)}});
  }
  return accept(**after);
}

Answer<int64_t> ServiceImpl::retry(int64_t run_id) {
  auto info = store_->run(run_id);
  if (!info) return refuse<int64_t>(503, "store_error", info.error().message);
  if (!*info) return refuse<int64_t>(404, "not_found", "no run " + std::to_string(run_id));
  auto n = store_->requeue_errors(run_id, clock_.now_micros());
  if (!n) return refuse<int64_t>(503, "store_error", n.error().message);
  RunRequest r;
  r.flows = (*info)->request.flows;
  if (r.flows.empty()) {
    for (const auto& [flow, counts] : (*info)->flows) r.flows.push_back(flow);
  }
  auto config = config_snapshot();
  std::erase_if(r.flows, [&](const std::string& f) { return config->flow(f) == nullptr; });
  r.params = options_.params;
  for (const auto& [k, v] : (*info)->request.params) r.params[k] = v;
  r.trigger = "retry";
  auto q = queue_job(r);
  if (!q) return refuse<int64_t>(503, "store_error", q.error().message);
  log_.info("retry_queued",
            {{"run", Value(q->run_id)}, {"retries", Value(run_id)}, {"errors", Value(*n)}});
  return accept(q->run_id);
}

std::vector<FlowStatus> ServiceImpl::flows() {
  auto config = config_snapshot();
  auto last = store_->flow_last_runs();
  // Runs of other processes (crmsync run) hold their flows' locks too.
  std::set<std::string> locked;
  if (auto locks = store_->flow_locks()) {
    for (const FlowLockHolder& h : *locks) locked.insert(h.flow);
  }
  // Open errors by flow, counted up to a cap (the store has no count; a
  // backlog past it reads as "at least").
  std::map<std::string, int64_t> open;
  bool capped = false;
  if (auto errors = store_->errors(0, kOpenErrorsCounted + 1)) {
    capped = errors->size() > kOpenErrorsCounted;
    for (size_t i = 0; i < std::min(errors->size(), kOpenErrorsCounted); ++i)
      ++open[(*errors)[i].flow];
  }
  mapping::SchemaHints hints;
  for (const FlowConfig& f : config->flows) hints.flows.push_back(f.name);
  std::vector<FlowStatus> out;
  for (const FlowConfig& f : config->flows) {
    FlowStatus s;
    // The config was validated at load: its mappings compile.
    if (auto compiled = mapping::compile(f.mapping, hints); compiled.mapping)
      s.depends_on = compiled.mapping->referenced_flows();
    s.name = f.name;
    s.source_connection = f.source.connection;
    s.target_connection = f.target.connection;
    s.schedule = f.trigger.schedule;
    s.timezone = f.trigger.timezone;
    s.cdc = f.trigger.cdc;
    s.manual = f.trigger.manual;
    s.next_fire_at = scheduler_->next_fire_at(f.name);
    if (last) {
      auto it = last->find(f.name);
      if (it != last->end()) s.last_run = it->second;
    }
    if (auto c = store_->cursor(f.name)) s.cursor = *c;
    if (auto it = open.find(f.name); it != open.end()) s.open_errors = it->second;
    s.open_errors_capped = capped;
    {
      std::lock_guard<std::mutex> lock(jobs_mu_);
      s.running = flow_owner_.count(f.name) > 0 || locked.count(f.name) > 0;
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<ConnectionStatus> ServiceImpl::connections() {
  auto config = config_snapshot();
  std::vector<ConnectionStatus> out = checks_->statuses(*config);
  for (ConnectionStatus& st : out) {
    const ConnectionConfig* c = config->connection(st.name);
    if (c == nullptr || !uses_oauth_web_flow(*c)) continue;
    auto stored = store_->has_secret(oauth_token_secret(st.name));
    st.connected = stored && *stored;
  }
  for (ConnectionStatus& st : out) st.budget_remaining = metrics_.budget_remaining(st.name);
  return out;
}

Answer<std::string> ServiceImpl::begin_connect(const std::string& name, const std::string& origin) {
  auto config = config_snapshot();
  std::string base = config->serve.public_url.empty() ? origin : config->serve.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return oauth_->begin(*config, name, base + "/oauth/callback");
}

Answer<std::string> ServiceImpl::finish_connect(const std::string& state, const std::string& code) {
  auto config = config_snapshot();
  auto done = oauth_->finish(*config, *store_, state, code);
  if (done) {
    log_.info("connection_connected", {{"connection", Value(*done.value)}});
    if (const ConnectionConfig* c = config->connection(*done.value))
      checks_->check_now(*config, *c);
  }
  return done;
}

Answer<std::string> ServiceImpl::disconnect(const std::string& name) {
  auto config = config_snapshot();
  auto done = oauth_->disconnect(*config, *store_, name);
  if (done) {
    log_.info("connection_disconnected",
              {{"connection", Value(name)}, {"revocation", Value(*done.value)}});
    if (const ConnectionConfig* c = config->connection(name)) checks_->check_now(*config, *c);
  }
  return done;
}

Answer<ConnectionStatus> ServiceImpl::check_connection(const std::string& name) {
  auto config = config_snapshot();
  for (const ConnectionConfig& c : config->connections) {
    if (c.name != name) continue;
    ConnectionStatus st = checks_->check_now(*config, c);
    if (uses_oauth_web_flow(c)) {
      auto stored = store_->has_secret(oauth_token_secret(st.name));
      st.connected = stored && *stored;
    }
    log_.info("connection_checked", {{"connection", Value(st.name)}, {"ok", Value(st.ok)}});
    Answer<ConnectionStatus> a;
    a.value = std::move(st);
    return a;
  }
  return refuse<ConnectionStatus>(404, "unknown_connection",
                                  "no connection '" + scrub(name) + "' in the config", "name");
}

std::optional<RunProgress> ServiceImpl::progress(int64_t run_id) {
  if (auto live = progress_.get(run_id)) return live;
  auto info = store_->run(run_id);
  if (!info || !*info) return std::nullopt;
  const RunInfo& r = **info;
  RunProgress p;
  p.run_id = r.id;
  p.status = r.status;
  p.flows = r.flows;
  p.updated_at = r.ended_at ? r.ended_at : r.started_at ? r.started_at : r.queued_at;
  p.version = 1;
  return p;
}

int64_t ServiceImpl::watch_progress(std::function<void(const RunProgress&)> listener) {
  return progress_.watch(std::move(listener));
}

void ServiceImpl::unwatch_progress(int64_t handle) {
  progress_.unwatch(handle);
}

Readiness ServiceImpl::readiness() {
  {
    std::lock_guard<std::mutex> lock(jobs_mu_);
    if (stopping_) return Readiness{false, "stopping"};
  }
  int64_t now = clock_.now_micros();
  std::string problem;
  {
    std::lock_guard<std::mutex> lock(ready_mu_);
    if (store_checked_at_ == 0 || now - store_checked_at_ >= kStoreCheckMicros) {
      Status s = store_->set_schedule_slot(kReadinessKey, now);
      store_problem_ = s ? "" : "state store not writable: " + s.error().message;
      store_checked_at_ = now;
    }
    problem = store_problem_;
  }
  if (!problem.empty()) return Readiness{false, problem};
  int64_t idle = now - scheduler_->last_loop_at();
  if (scheduler_->last_loop_at() == 0) return Readiness{false, "scheduler not started"};
  if (idle > kSchedulerIdleMicros) {
    return Readiness{false, "scheduler idle for " + std::to_string(idle / 1000000) + " s"};
  }
  return Readiness{true, ""};
}

}  // namespace crmsync::service
