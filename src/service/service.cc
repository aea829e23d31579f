// Service life cycle: create, start, stop, reload (service_impl.h).
#include <unistd.h>

#include "service/service_impl.h"
#include "state/open_state_store.h"

namespace crmsync::service {
namespace {

// "host:port" or "[v6]:port".
bool split_listen(const std::string& listen, std::string& host, int& port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  try {
    size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    return used == listen.size() - colon - 1 && port >= 0 && port <= 65535;
  } catch (...) {
    return false;
  }
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// The drainer runs only for configs with webhook flows: a thread waiting
// on the clock is one more waiter for tests that count them.
bool has_webhook_flows(const Config& config) {
  for (const FlowConfig& f : config.flows) {
    if (f.trigger.webhook) return true;
  }
  return false;
}

std::string diagnostics_text(const Diagnostics& errors) {
  std::string out;
  for (const Diagnostic& d : errors) out += (out.empty() ? "" : "\n") + d.to_string();
  return out;
}

}  // namespace

Service::~Service() = default;

Result<std::unique_ptr<Service>> Service::create(ServeOptions options) {
  std::unique_ptr<Clock> own;
  Clock* clock = options.clock;
  if (clock == nullptr) {
    own = std::make_unique<SystemClock>();
    clock = own.get();
  }
  auto s = std::make_unique<ServiceImpl>(std::move(options), std::move(own), *clock);
  if (Status st = s->init(); !st) return st.error();
  return std::unique_ptr<Service>(std::move(s));
}

ServiceImpl::ServiceImpl(ServeOptions options, std::unique_ptr<Clock> own_clock, Clock& clock)
    : options_(std::move(options)),
      own_clock_(std::move(own_clock)),
      clock_(clock),
      log_(clock, options_.log),
      progress_(clock) {
  if (options_.workers == 0) options_.workers = 1;
}

ServiceImpl::~ServiceImpl() {
  stop();
}

Status ServiceImpl::init() {
  ConfigLoad load = load_service_config(options_.config_path, options_.params);
  if (!load.config) {
    return Error(ErrorKind::fatal, diagnostics_text(load.errors));
  }
  fingerprint_ = fingerprint_file(options_.config_path);
  config_ = load.config;
  state_path_ = config_->state.path;
  auto store = open_state_store(config_->state);
  if (!store) {
    // PostgreSQL's errors name the server already (never the password).
    if (config_->state.type == "postgres") return store.error();
    return store.error().with_context("state store " + state_path_);
  }
  store_ = make_locked_state_store(std::move(*store));
  scheduler_ = std::make_unique<Scheduler>(clock_, *store_, log_, *this, options_.params);
  watchers_ = std::make_unique<CdcWatchers>(clock_, *store_, log_, &api_observer_);
  oauth_ = std::make_unique<OAuthConnects>(clock_);
  checks_ = std::make_unique<ConnectionChecks>(clock_, *store_, log_, &api_observer_);
  auto snapshot = [this] { return config_snapshot(); };
  drainer_ =
      std::make_unique<WebhookDrainer>(clock_, *store_, log_, metrics_, &api_observer_, snapshot);
  receiver_ = std::make_unique<WebhookReceiver>(
      clock_, *store_, metrics_.webhooks(), snapshot, [this] { drainer_->wake(); },
      options_.webhooks);
  return {};
}

Status ServiceImpl::start() {
  auto config = config_snapshot();
  log_.info("start", {{"config", Value(options_.config_path)},
                      {"state", Value(state_path_)},
                      {"pid", Value(static_cast<int64_t>(::getpid()))},
                      {"workers", Value(static_cast<int64_t>(options_.workers))},
                      {"flows", Value(static_cast<int64_t>(config->flows.size()))}});
  // Bind first: a taken port fails start before any job is touched.
  std::string host;
  int port = 0;
  if (!options_.listen.empty()) {
    if (!split_listen(options_.listen, host, port)) {
      return Error(ErrorKind::fatal,
                   "--listen takes HOST:PORT (e.g. 127.0.0.1:8765), got '" + options_.listen + "'");
    }
    net::HttpServerOptions o;
    o.tls_cert_file = options_.tls_cert_file;
    o.tls_key_file = options_.tls_key_file;
    server_ = std::make_unique<net::HttpServer>(o);
    receiver_->register_routes(*server_);
    if (options_.register_routes) options_.register_routes(*server_, *this, metrics_);
    if (Status s = server_->listen(host, port); !s) {
      return s.error().with_context("listening on " + options_.listen);
    }
  }
  if (Status s = resume_interrupted(); !s) return s;
  if (Status s = scheduler_->catch_up(*config); !s) return s;
  {
    std::lock_guard<std::mutex> lock(jobs_mu_);
    started_ = true;
    for (size_t i = 0; i < options_.workers; ++i) {
      workers_.emplace_back([this, i] { worker_loop(i); });
    }
  }
  scheduler_->start();
  {
    std::lock_guard<std::mutex> lock(reload_mu_);
    watchers_->start(config);
  }
  checks_->check_all(config);
  if (has_webhook_flows(*config)) drainer_->start();
  if (server_) {
    if (Status s = server_->start(); !s) return s.error().with_context("starting the HTTP server");
    bool tls = !options_.tls_cert_file.empty() && !options_.tls_key_file.empty();
    log_.info("listen", {{"address", Value(host)},
                         {"port", Value(static_cast<int64_t>(server_->port()))},
                         {"tls", Value(tls)}});
    if (!tls && !is_loopback(host)) {
      log_.warn("listen_insecure",
                {{"address", Value(host)},
                 {"message", Value("bound to a non-loopback address without TLS: the API token "
                                   "and run data cross the network in clear text "
                                   "(--tls-cert/--tls-key, or a TLS proxy in front)")}});
    }
  }
  update_job_gauges();
  log_.info("started", {{"watched", string_array(watchers_->watched_flows())}});
  return {};
}

void ServiceImpl::stop() {
  {
    std::lock_guard<std::mutex> lock(reload_mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  bool was_started;
  {
    std::lock_guard<std::mutex> lock(jobs_mu_);
    was_started = started_;
    stopping_ = true;
    stop_flag_ = true;
  }
  jobs_cv_.notify_all();
  if (was_started) log_.info("stopping");
  if (scheduler_) scheduler_->stop();
  if (watchers_) watchers_->stop();
  if (drainer_) drainer_->stop();
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
  if (checks_) checks_->stop();
  if (server_) server_->stop();
  if (was_started) log_.info("stopped");
}

Status ServiceImpl::reload() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  if (stopped_) return Error(ErrorKind::fatal, "serve is stopping");
  FileFingerprint fp = fingerprint_file(options_.config_path);
  ConfigLoad load = load_service_config(options_.config_path, options_.params);
  if (load.config && load.config->state.path != state_path_) {
    Diagnostic d;
    d.location = load.config->state.location;
    d.location.key = "state.path";
    d.message = "the state store cannot change while serve runs (" + state_path_ + " -> " +
                load.config->state.path + "); restart serve to use another one";
    load.errors.push_back(d);
    load.config.reset();
  }
  if (!load.config) {
    {
      // The same broken file is not reported again every minute.
      std::lock_guard<std::mutex> cl(config_mu_);
      fingerprint_ = fp;
    }
    log_.error("reload_failed",
               {{"errors", Value(static_cast<int64_t>(load.errors.size()))},
                {"message", Value("the config has errors; the previous one stays in use")}});
    for (const Diagnostic& d : load.errors) {
      log_.error("config_error", {{"file", Value(d.location.file)},
                                  {"line", Value(static_cast<int64_t>(d.location.line))},
                                  {"key", Value(d.location.key)},
                                  {"message", Value(d.to_string())}});
    }
    return Error(ErrorKind::fatal, diagnostics_text(load.errors));
  }
  {
    std::lock_guard<std::mutex> cl(config_mu_);
    config_ = load.config;
    fingerprint_ = fp;
  }
  scheduler_->config_changed();
  watchers_->start(load.config);
  checks_->check_all(load.config);
  if (has_webhook_flows(*load.config)) drainer_->start();  // no-op when running
  drainer_->wake();
  jobs_cv_.notify_all();
  log_.info("reload_ok",
            {{"flows", Value(static_cast<int64_t>(load.config->flows.size()))},
             {"connections", Value(static_cast<int64_t>(load.config->connections.size()))}});
  return {};
}

int ServiceImpl::port() const {
  return server_ ? server_->port() : 0;
}

bool ServiceImpl::config_changed() {
  FileFingerprint fp = fingerprint_file(options_.config_path);
  std::lock_guard<std::mutex> lock(config_mu_);
  return !fp.same_content(fingerprint_);
}

std::shared_ptr<const Config> ServiceImpl::config_snapshot() {
  std::lock_guard<std::mutex> lock(config_mu_);
  return config_;
}

void ServiceImpl::check_config_file() {
  if (!config_changed()) return;
  log_.info("config_changed", {{"config", Value(options_.config_path)}});
  (void)reload();  // logs what went wrong
}

}  // namespace crmsync::service
