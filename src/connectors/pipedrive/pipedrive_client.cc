#include "connectors/pipedrive/pipedrive_client.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <thread>

#include "core/json.h"
#include "net/http_status.h"

namespace crmsync {

PipedriveClient::PipedriveClient(const PipedriveConfig& config)
    : config_(config),
      pacer_(config.burst_limit, std::chrono::seconds(2)),
      search_pacer_(config.search_burst_limit, std::chrono::seconds(2)),
      budget_(config.max_daily_api_share, config.daily_token_budget) {
  if (config.auth == "oauth") oauth_ = std::make_unique<PipedriveOAuth>(config);
}

namespace {

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

}  // namespace

Result<PipedriveClient::Answer> PipedriveClient::call(const std::string& method,
                                                      const std::string& path,
                                                      const std::string& body, bool search) {
  bool idempotent = method == "GET" || method == "PUT" || method == "DELETE" || method == "PATCH";
  std::string what = "pipedrive " + method + " " + path.substr(0, path.find('?'));
  bool renewed = false;  // one token renewal per call
  for (int attempt = 1;; ++attempt) {
    PipedriveOAuth::Token token;
    if (oauth_) {
      auto t = oauth_->current();
      if (!t) return t.error().with_context(what);
      token = *t;
    }
    if (auto within = budget_.before(method, path); !within)
      return within.error().with_context(what);
    int64_t waits_before = pacer_.waits() + search_pacer_.waits();
    pacer_.wait_turn();
    if (search) search_pacer_.wait_turn();
    if (pacer_.waits() + search_pacer_.waits() > waits_before) {
      last_limit_ = search ? "search burst" : "burst";
    }
    net::HttpClientRequest req;
    req.method = method;
    req.url = (token.api_domain.empty() ? config_.base_url : token.api_domain) + path;
    if (oauth_) {
      req.headers.emplace("Authorization", "Bearer " + token.access_token);
    } else {
      req.headers.emplace("x-api-token", config_.api_token);
    }
    req.headers.emplace("Accept", "application/json");
    if (!body.empty()) req.headers.emplace("Content-Type", "application/json");
    req.body = body;
    req.timeout_secs = config_.timeout_secs;
    req.verify_tls = config_.verify_tls;
    ++calls_;
    auto res = http_.send(req);
    if (!res) {
      if (res.error().kind == ErrorKind::retryable && idempotent &&
          attempt < config_.max_attempts) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
        continue;
      }
      return res.error().with_context(what);
    }
    if (res->status == 401 && oauth_ && !renewed) {
      // Access tokens last an hour: renew (unless another call already
      // did) and send once more. A second 401 is the answer.
      renewed = true;
      if (auto t = oauth_->renew(token.generation); !t) return t.error().with_context(what);
      continue;
    }
    budget_.after(method, path, res->header("x-daily-requests-left"));
    // The account's real burst limit is what the server advertises (plans
    // differ, and OAuth apps get more): pace by it, capped by the config
    // when the config names a limit.
    if (auto limit = res->header("x-ratelimit-limit")) {
      int64_t l = std::atoll(limit->c_str());
      if (l > 0) {
        net::RequestPacer& p = search ? search_pacer_ : pacer_;
        bool given = search ? config_.search_burst_limit_given : config_.burst_limit_given;
        int64_t cap = search ? config_.search_burst_limit : config_.burst_limit;
        p.set_limit(given ? std::min(l, cap) : l);
      }
    }
    // The server's own count: when it says nothing is left, wait for reset.
    auto remaining = res->header("x-ratelimit-remaining");
    auto reset = res->header("x-ratelimit-reset");
    if (remaining && *remaining == "0" && reset) pacer_.hold_for(std::atof(reset->c_str()));
    if (res->status == 429 && daily_limit_429(*res, error_text(*res))) {
      last_limit_ = "daily";
      return daily_budget_error("Pipedrive answered 429: " + error_text(*res) +
                                " (the company's daily token budget)")
          .with_context(what);
    }
    if (res->status == 429) {
      last_limit_ = "429";
      double wait = 2;
      if (auto ra = res->header("Retry-After")) {
        if (auto s = net::parse_retry_after(*ra, std::chrono::system_clock::now())) wait = *s;
      } else if (reset) {
        wait = std::max(0.1, std::atof(reset->c_str()));
      }
      if (attempt < config_.max_attempts) {
        pacer_.hold_for(wait);
        continue;
      }
      auto limit = res->header("x-ratelimit-limit");
      Error e(ErrorKind::retryable,
              what + ": HTTP 429 after " + std::to_string(attempt) + " attempts: burst limit (" +
                  (limit ? *limit : std::to_string(config_.burst_limit)) + " requests per 2 s" +
                  (search ? ", searches" : "") + "): " + error_text(*res));
      e.retry_after_secs = wait;
      return e;
    }
    if (res->status >= 500 && idempotent && attempt < config_.max_attempts) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250 * attempt));
      continue;
    }
    if (res->status < 200 || res->status >= 300) {
      Error e = net::http_status_error(*res, what);
      e.message = what + ": HTTP " + std::to_string(res->status) + ": " + error_text(*res);
      return e;
    }
    auto v = parse_json(res->body);
    if (!v) return Error(ErrorKind::retryable, what + ": " + v.error().message);
    if (!v->is_object()) {
      return Error(ErrorKind::retryable, what + ": the answer is not a JSON object");
    }
    Answer a;
    a.status = res->status;
    if (const Value* d = v->find("data")) a.data = *d;
    if (const Value* d = v->find("additional_data")) a.additional_data = *d;
    return a;
  }
}

}  // namespace crmsync
