#include "sandbox/salesforce/salesforce_sandbox.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "net/http_server.h"
#include "sandbox/salesforce/bulk_routes.h"
#include "sandbox/salesforce/ids.h"
#include "sandbox/salesforce/seed.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

int64_t system_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<std::string> bearer_token(const net::HttpRequest& req) {
  if (auto auth = req.header("Authorization")) {
    for (const char* scheme : {"Bearer ", "OAuth "}) {
      if (auth->rfind(scheme, 0) == 0) return auth->substr(std::string_view(scheme).size());
    }
  }
  return req.query_param("oauth_token");
}

// An injected fault for this request, or nullopt.
std::optional<SfError> pick_fault(SandboxState& s) {
  std::lock_guard lock(s.faults_mutex);
  std::uniform_real_distribution<double> u(0, 1);
  double x = u(s.fault_rng);
  const FaultOptions& f = s.faults;
  if (x < f.rate_429) {
    return sf_error(429, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.");
  }
  x -= f.rate_429;
  if (x < f.rate_500) {
    return sf_error(500, "UNKNOWN_EXCEPTION",
                    "An unexpected error occurred. Please include this ErrorId if you contact "
                    "support: 1234567890-12345 (-1234567890)");
  }
  x -= f.rate_500;
  if (x < f.rate_503) return sf_error(503, "SERVER_UNAVAILABLE", "Server temporarily unavailable");
  return std::nullopt;
}

// API versions the sandbox answers on /services/data/vXX.X (the list of
// GET /services/data/); any other answers 404 as an unknown resource.
bool known_version(const std::string& path) {
  constexpr std::string_view prefix = "/services/data/v";
  size_t slash = path.find('/', prefix.size());
  std::string v =
      path.substr(prefix.size(), slash == std::string::npos ? path.npos : slash - prefix.size());
  if (v.size() != 4 || v[2] != '.' || v[3] != '0' ||
      !std::isdigit(static_cast<unsigned char>(v[0])) ||
      !std::isdigit(static_cast<unsigned char>(v[1]))) {
    return false;
  }
  int n = (v[0] - '0') * 10 + (v[1] - '0');
  return n >= 20 && n <= 62;
}

// The route of a request, or nullptr after answering it as Salesforce
// answers a path it does not have (404 NOT_FOUND) or a method a resource
// does not take (405), with the counter name of that answer in `endpoint`.
const Router::Route* route_or_answer(const Router& router, const net::HttpRequest& req,
                                     net::HttpResponse& res, std::vector<std::string>& m,
                                     std::string& endpoint) {
  bool data_api = req.path.rfind("/services/data/v", 0) == 0;
  const Router::Route* route =
      data_api && !known_version(req.path) ? nullptr : router.match(req.method, req.path, m);
  if (route) {
    endpoint = route->endpoint;
    return route;
  }
  // Named by the resource asked for: /services/data/v60.0/tooling/... is
  // "unsupported.tooling", so the counters show what clients call.
  std::string resource = "not_found";
  if (data_api) {
    size_t start = req.path.find('/', std::string_view("/services/data/v").size());
    size_t end = start == std::string::npos ? start : req.path.find('/', start + 1);
    resource = start == std::string::npos || start + 1 >= req.path.size()
                   ? "resources"
                   : req.path.substr(start + 1, end == std::string::npos ? end : end - start - 1);
    if (!known_version(req.path)) resource = "version";
  }
  std::string allowed = data_api && known_version(req.path) ? router.allowed_methods(req.path) : "";
  if (!allowed.empty()) {
    endpoint = "method_not_allowed." + resource;
    answer_error(res,
                 sf_error(405, "METHOD_NOT_ALLOWED",
                          "HTTP Method '" + req.method + "' not allowed. Allowed are " + allowed));
  } else {
    endpoint = (data_api ? "unsupported." : "") + resource;
    answer_error(res, sf_error(404, "NOT_FOUND", "The requested resource does not exist"));
  }
  return nullptr;
}

}  // namespace

void SandboxState::dispatch_internal(const net::HttpRequest& req, net::HttpResponse& res,
                                     const std::string& user) {
  std::vector<std::string> m;
  std::string endpoint;
  const Router::Route* route = route_or_answer(router, req, res, m, endpoint);
  if (!route) return;
  Call call{req, res, std::move(m), user, endpoint};
  route->handler(call);
}

SalesforceSandbox::SalesforceSandbox(SalesforceSandboxOptions options)
    : state_(std::make_unique<SandboxState>()) {
  if (!options.clock) options.clock = system_micros;
  state_->options = std::move(options);
  state_->faults = state_->options.faults;
  state_->daily_limit = state_->options.daily_api_limit;
}

SalesforceSandbox::~SalesforceSandbox() {
  stop();
}

Status SalesforceSandbox::start() {
  SandboxState& s = *state_;
  Result<Schema> schema = Schema::builtin();
  if (!s.options.schema_file.empty()) {
    std::ifstream in(s.options.schema_file);
    if (!in) return Error(ErrorKind::fatal, "cannot read schema file " + s.options.schema_file);
    std::stringstream text;
    text << in.rdbuf();
    schema = Schema::parse(text.str());
  }
  if (!schema) return schema.error();
  s.schema = std::make_shared<const Schema>(std::move(*schema));
  s.store = std::make_unique<Store>(s.schema, s.options.clock);
  s.schema_loaded_micros = s.options.clock();
  s.org_id = make_id("00D", 1);
  s.sessions = std::make_unique<Sessions>(s.org_id, s.options.clock);
  s.sessions->set_lifetime_secs(s.options.session_timeout_secs);
  s.sessions->set_expire_every_secs(s.faults.session_expiry_every_secs);
  s.cdc = std::make_unique<CdcLog>(s.options.clock, s.options.cdc_retention_secs,
                                   s.options.cdc_max_events);
  // Long polls hold server workers: leave some for the REST API.
  size_t threads = s.options.threads;
  s.cometd = std::make_unique<CometdServer>(s, *s.cdc, s.options.cometd_timeout_ms,
                                            threads > 4 ? threads - 2 : threads / 2);
  s.cometd->set_down(s.faults.streaming_down);
  s.store->add_listener([&s](const ChangeEvent& e) {
    if (const ObjectDef* def = s.schema->find(e.object)) s.cdc->append(e, *def);
  });
  if (Status st = reset(); !st) return st;

  add_auth_routes(s);
  add_authorize_routes(s);
  add_rest_routes(s);
  add_query_routes(s);
  add_collection_routes(s);
  add_composite_routes(s);
  add_cometd_routes(s);
  add_sobject_routes(s);
  add_external_id_routes(s);
  add_composite_more_routes(s);
  add_search_routes(s);
  add_bulk_ingest_routes(s);
  add_bulk_query_routes(s);
  add_admin_routes(s, *this);

  net::HttpServerOptions server_options;
  server_options.threads = s.options.threads;
  server_ = std::make_unique<net::HttpServer>(server_options);
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    server_->on(method, "/.*",
                [this](const net::HttpRequest& req, net::HttpResponse& res) { handle(req, res); });
  }
  if (Status st = server_->listen(s.options.host, s.options.port); !st) return st;
  port_ = server_->port();
  s.instance_url = "http://" + s.options.host + ":" + std::to_string(port_);
  return server_->start();
}

void SalesforceSandbox::stop() {
  // Waiting long polls answer at once, so the server's workers can be joined.
  if (state_->cometd) state_->cometd->shutdown();
  if (server_) server_->stop();
}

Status SalesforceSandbox::reset() {
  SandboxState& s = *state_;
  s.store->reset();
  s.sessions->clear();
  {
    std::lock_guard lock(s.cursors_mutex);
    s.cursors.clear();
  }
  {
    std::lock_guard lock(s.bulk.mutex);
    s.bulk.jobs.clear();
  }
  s.api_requests = 0;
  {
    std::lock_guard lock(s.recent_mutex);
    s.recent.clear();
  }
  auto user = create_users(*s.store, s.options.username);
  if (!user) return user.error();
  s.user_id = *user;
  if (s.options.seed_records > 0) {
    if (Status st = seed_records(*s.store, s.user_id, s.options.seed_records); !st) return st;
  }
  if (!s.options.data_dir.empty()) {
    if (Status st = load_data_dir(*s.store, s.user_id, s.options.data_dir); !st) return st;
  }
  // Seeded and loaded records are the org's starting state, not changes.
  s.cdc->clear();
  return Status();
}

void SalesforceSandbox::set_faults(const FaultOptions& faults) {
  std::lock_guard lock(state_->faults_mutex);
  state_->faults = faults;
  state_->sessions->set_expire_every_secs(faults.session_expiry_every_secs);
  if (state_->cometd) state_->cometd->set_down(faults.streaming_down);
}

void SalesforceSandbox::handle(const net::HttpRequest& req, net::HttpResponse& res) {
  SandboxState& s = *state_;
  int64_t started = system_micros();
  std::vector<std::string> m;
  std::string endpoint;
  const Router::Route* route = route_or_answer(s.router, req, res, m, endpoint);
  bool data_api = req.path.rfind("/services/data/v", 0) == 0;
  [&] {
    if (!route) return;
    Call call{req, res, std::move(m), "", endpoint};
    if (route->access == Router::Access::session) {
      auto token = bearer_token(req);
      auto user = token ? s.sessions->user_of(*token) : std::nullopt;
      if (!user) {
        return answer_error(res, sf_error(401, "INVALID_SESSION_ID", "Session expired or invalid"));
      }
      call.user_id = *user;
      if (s.api_requests.fetch_add(1) + 1 > s.daily_limit.load()) {
        s.api_requests.fetch_sub(1);
        return answer_error(
            res, sf_error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."));
      }
      int latency;
      {
        std::lock_guard lock(s.faults_mutex);
        latency = s.faults.latency_ms;
      }
      if (latency > 0) std::this_thread::sleep_for(std::chrono::milliseconds(latency));
      if (auto fault = pick_fault(s)) {
        if (fault->http_status == 429) res.headers.emplace("Retry-After", "1");
        return answer_error(res, *fault);
      }
    }
    route->handler(call);
    endpoint = call.endpoint;
  }();
  if (data_api) {
    res.headers.emplace("Sforce-Limit-Info", "api-usage=" + std::to_string(s.api_requests.load()) +
                                                 "/" + std::to_string(s.daily_limit.load()));
  }
  if (endpoint.rfind("admin", 0) == 0) return;  // the log shows API traffic only
  std::lock_guard lock(s.log_mutex);
  s.log.push_back(LoggedRequest{started, req.method, req.path, endpoint, res.status,
                                system_micros() - started});
  if (s.log.size() > 10000) s.log.pop_front();
  ++s.counters[endpoint];
}

}  // namespace crmsync::sandbox::salesforce
