#include "connectors/pipedrive/pipedrive_client.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>

#include "connectors/pipedrive/pipedrive_oauth.h"
#include "core/json.h"
#include "net/http_status.h"

namespace crmsync {

namespace {

constexpr int64_t kWindowMicros = 2'000'000;  // Pipedrive's rolling burst window

std::string error_text(const net::HttpResponse& res) {
  auto v = parse_json(res.body);
  if (v && v->is_object()) {
    const Value* e = v->find("error");
    const Value* info = v->find("error_info");
    std::string out = e ? e->to_text() : "";
    if (info && info->is_string() && !info->as_string().empty())
      out += " (" + info->to_text() + ")";
    if (!out.empty()) return out;
  }
  return res.body.substr(0, 300);
}

// Whether a 429 means the daily budget is spent (waiting seconds will not
// help) rather than the burst window: the server says no daily requests are
// left, or its message says so.
bool daily_limit_429(const net::HttpResponse& res, const std::string& text) {
  auto left = res.header("x-daily-requests-left");
  if (left && *left == "0") return true;
  std::string lower;
  for (char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower.find("daily") != std::string::npos || lower.find("budget") != std::string::npos;
}

std::unique_ptr<net::AuthProvider> auth_for(const PipedriveConfig& config) {
  if (config.auth == "oauth" || config.auth == "web_server")
    return std::make_unique<PipedriveOAuth>(config);
  return std::make_unique<net::HeaderAuth>("x-api-token", config.api_token);
}

}  // namespace

PipedriveClient::PipedriveClient(const PipedriveConfig& config, Clock& clock, net::SessionLog log,
                                 net::ApiObserver* api_observer)
    : config_(config), budget_(config.max_daily_api_share, config.daily_token_budget) {
  net::SessionOptions o;
  o.observer = api_observer;
  o.connection = config.connection;
  o.label = "pipedrive";
  o.base_url = config.base_url;
  o.max_attempts = config.max_attempts;
  o.timeout_secs = config.timeout_secs;
  o.verify_tls = config.verify_tls;
  o.rate_limit = config.burst_limit;
  o.rate_window_micros = kWindowMicros;
  net::SessionHooks hooks;
  hooks.before_send = [this](const net::SessionRequest& r) -> Status {
    return budget_.before(r.method, r.url);
  };
  hooks.classify = [this](const net::SessionRequest& r, const net::HttpResponse* a) {
    return classify(r, a);
  };
  hooks.error_text = [this](const net::HttpResponse& res) {
    std::string text = error_text(res);
    if (res.status != 429) return text;
    auto limit = res.header("x-ratelimit-limit");
    return "burst limit (" + (limit ? *limit : std::to_string(config_.burst_limit)) +
           " requests per 2 s): " + text;
  };
  // The daily token budget (x-daily-requests-left); x-ratelimit-remaining
  // is the 2-second burst window, which paces rather than budgets.
  hooks.budget_remaining = [](const net::HttpResponse& res) -> std::optional<double> {
    auto left = res.header("x-daily-requests-left");
    if (!left) return std::nullopt;
    char* end = nullptr;
    double v = std::strtod(left->c_str(), &end);
    if (end == left->c_str()) return std::nullopt;
    return v;
  };
  search_pacer_ =
      std::make_unique<net::RequestPacer>(config.search_burst_limit, kWindowMicros, clock);
  session_ = std::make_unique<net::HttpSession>(std::move(o), auth_for(config), std::move(hooks),
                                                clock, std::move(log));
}

net::Verdict PipedriveClient::classify(const net::SessionRequest& request,
                                       const net::HttpResponse* res) {
  bool search = request.also_pace != nullptr;
  if (res == nullptr) return net::Verdict::standard();
  if (res->status == 401) return net::Verdict::standard();  // not counted: renewed and resent
  budget_.after(request.method, request.url, res->header("x-daily-requests-left"));
  // The account's real burst limit is what the server advertises (plans
  // differ, and OAuth apps get more): pace by it, capped by the config
  // when the config names a limit.
  if (auto limit = res->header("x-ratelimit-limit")) {
    int64_t l = std::atoll(limit->c_str());
    if (l > 0) {
      net::RequestPacer& p = search ? *search_pacer_ : session_->pacer();
      bool given = search ? config_.search_burst_limit_given : config_.burst_limit_given;
      int64_t cap = search ? config_.search_burst_limit : config_.burst_limit;
      p.set_limit(given ? std::min(l, cap) : l);
    }
  }
  // The server's own count: when it says nothing is left, wait for reset.
  auto remaining = res->header("x-ratelimit-remaining");
  auto reset = res->header("x-ratelimit-reset");
  if (remaining && *remaining == "0" && reset)
    session_->pacer().hold_for(std::atof(reset->c_str()));
  if (res->status != 429) return net::Verdict::standard();
  std::string text = error_text(*res);
  if (daily_limit_429(*res, text)) {
    last_limit_ = "daily";
    return net::Verdict::stop(
        daily_budget_error("Pipedrive answered 429: " + text +
                           " (the company's daily token budget)")
            .with_context("pipedrive " + request.method + " " + net::path_of(request.url)));
  }
  last_limit_ = "429";
  double wait = 2;
  if (auto ra = res->header("Retry-After")) {
    if (auto s = net::parse_retry_after(*ra, std::chrono::system_clock::now())) wait = *s;
  } else if (reset) {
    wait = std::max(0.1, std::atof(reset->c_str()));
  }
  return net::Verdict::retry(wait);
}

Result<PipedriveClient::Answer> PipedriveClient::call(const std::string& method,
                                                      const std::string& path,
                                                      const std::string& body, bool search) {
  std::string what = "pipedrive " + method + " " + path.substr(0, path.find('?'));
  net::SessionRequest req;
  req.method = method;
  req.url = path;
  // v2 PATCH and v1 PUT update one record by id: sending it twice is
  // sending it once. Creates (POST) are not.
  req.idempotent = method != "POST";
  req.headers.emplace("Accept", "application/json");
  if (!body.empty()) req.headers.emplace("Content-Type", "application/json");
  req.body = body;
  if (search) req.also_pace = search_pacer_.get();
  int64_t waits_before = session_->pacer().waits() + search_pacer_->waits();
  std::string limit_before = last_limit_;
  last_limit_.clear();
  auto res = session_->send(req);
  if (last_limit_.empty()) {
    // No 429 in this call: it waited for our own pacing, or not at all.
    bool waited = session_->pacer().waits() + search_pacer_->waits() > waits_before;
    last_limit_ = waited ? (search ? "search burst" : "burst") : limit_before;
  }
  if (!res) return res.error();
  if (res->status < 200 || res->status >= 300) {
    Error e = net::http_status_error(*res, what);
    e.message = what + ": HTTP " + std::to_string(res->status) + ": " + error_text(*res);
    return e;
  }
  auto v = parse_json(res->body);
  if (!v || !v->is_object()) {
    Error e(ErrorKind::retryable, what + ": HTTP " + std::to_string(res->status) +
                                      ": the answer is not a JSON object" +
                                      (v ? std::string() : ": " + v.error().message));
    // A create answered 2xx was applied even if its answer is garbled: it
    // must be looked up, not sent again.
    e.outcome_unknown = !req.is_idempotent();
    return e;
  }
  Answer a;
  a.status = res->status;
  if (const Value* d = v->find("data")) a.data = *d;
  if (const Value* d = v->find("additional_data")) a.additional_data = *d;
  return a;
}

}  // namespace crmsync
