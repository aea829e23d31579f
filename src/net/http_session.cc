#include "net/http_session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>

#include "net/http_status.h"

namespace crmsync::net {

bool SessionRequest::is_idempotent() const {
  if (idempotent) return *idempotent;
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS";
}

Clock& clock_or_system(Clock* clock) {
  static SystemClock system;  // stateless
  return clock ? *clock : system;
}

std::string path_of(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    size_t slash = url.find('/', scheme + 3);
    return slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  }
  return std::string(url);
}

namespace {

// A transport failure where the request cannot have reached the server.
// HttpClient::send sets outcome_unknown whenever a byte of the request may
// have left this process (a timeout, a reset, an empty answer after
// sending); without it the connection was never made or nothing was sent.
bool never_sent(const Error& e) {
  return !e.outcome_unknown;
}

// Statuses where a proxy or the server may have applied the request before
// failing: only idempotent requests may be sent again.
bool ambiguous_status(int status) {
  return status == 408 || status == 500 || status == 502 || status == 504;
}

// Statuses that refuse a request without executing it: any may be resent.
bool refused_status(int status) {
  return status == 429 || status == 503;
}

double retry_after_of(const HttpResponse& res) {
  auto ra = res.header("Retry-After");
  if (!ra) return -1;
  auto secs = parse_retry_after(*ra, std::chrono::system_clock::now());
  return secs ? *secs : -1;
}

void stderr_log(std::string_view line) {
  std::string out(line);
  out += '\n';
  std::fwrite(out.data(), 1, out.size(), stderr);
}

}  // namespace

HttpSession::HttpSession(SessionOptions options, std::unique_ptr<AuthProvider> auth,
                         SessionHooks hooks, Clock& clock, SessionLog log)
    : options_(std::move(options)),
      auth_(auth ? std::move(auth) : std::make_unique<NoAuth>()),
      hooks_(std::move(hooks)),
      clock_(clock),
      log_(log ? std::move(log) : SessionLog(stderr_log)),
      pacer_(options_.rate_limit, options_.rate_window_micros, clock),
      backoff_(options_.backoff_base_secs, options_.backoff_cap_secs,
               options_.jitter_seed ? options_.jitter_seed : std::random_device{}()) {
  options_.max_attempts = std::max(1, options_.max_attempts);
}

HttpSession::~HttpSession() = default;

int64_t HttpSession::backoff_micros(int retry) {
  std::lock_guard lock(mu_);
  return backoff_.delay_micros(retry);
}

void HttpSession::log_retry(const SessionRequest& request, std::string_view reason, int attempt,
                            int64_t wait_micros) {
  char wait[32];
  std::snprintf(wait, sizeof wait, "%.3f", static_cast<double>(wait_micros) / 1e6);
  std::string line = "http retry connection=" + options_.connection + " method=" + request.method +
                     " path=" + path_of(request.url) + " reason=\"" + std::string(reason) +
                     "\" attempt=" + std::to_string(attempt) + "/" +
                     std::to_string(options_.max_attempts) + " wait_secs=" + wait;
  log_(line);
}

Result<Credentials> HttpSession::current_or_login() {
  {
    std::lock_guard lock(mu_);
    bool expired = expires_at_micros_ != 0 && clock_.now_micros() >= expires_at_micros_;
    if (have_creds_ && !expired) return creds_;
  }
  std::lock_guard login_lock(auth_mu_);
  {
    std::lock_guard lock(mu_);
    bool expired = expires_at_micros_ != 0 && clock_.now_micros() >= expires_at_micros_;
    if (have_creds_ && !expired) return creds_;  // another thread logged in meanwhile
  }
  if (Status s = login_locked(); !s) return s.error();
  std::lock_guard lock(mu_);
  return creds_;
}

Status HttpSession::login_locked() {
  if (!auth_->renewable()) {
    std::lock_guard lock(mu_);
    have_creds_ = true;
    return {};
  }
  auto c = auth_->login(*this);
  if (!c) return c.error();
  ++logins_;
  std::lock_guard lock(mu_);
  uint64_t generation = creds_.generation + 1;
  creds_ = std::move(*c);
  creds_.generation = generation;
  have_creds_ = true;
  // A lifetime under a microsecond expires at once: renewed before the next call.
  expires_at_micros_ =
      creds_.expires_in_secs > 0
          ? clock_.now_micros() + static_cast<int64_t>(creds_.expires_in_secs * 1e6)
          : 0;
  return {};
}

Result<Credentials> HttpSession::credentials() {
  return current_or_login();
}

Status HttpSession::renew(uint64_t stale_generation) {
  std::lock_guard login_lock(auth_mu_);
  {
    std::lock_guard lock(mu_);
    // Another thread's renewal already replaced the refused credentials.
    if (have_creds_ && creds_.generation != stale_generation) return {};
  }
  return login_locked();
}

void HttpSession::forget_credentials() {
  std::lock_guard lock(mu_);
  have_creds_ = false;
}

Result<HttpResponse> HttpSession::send_once(const SessionRequest& request,
                                            const Credentials* creds) {
  HttpClientRequest req;
  req.method = request.method;
  req.url = request.url;
  if (req.url.find("://") == std::string::npos)
    req.url = (creds && !creds->base_url.empty() ? creds->base_url : options_.base_url) + req.url;
  req.headers = request.headers;
  req.body = request.body;
  req.timeout_secs = options_.timeout_secs;
  req.connect_timeout_secs = options_.connect_timeout_secs;
  req.verify_tls = options_.verify_tls;
  req.cancel = request.cancel;
  if (creds) auth_->apply(*creds, req);
  std::unique_ptr<HttpClient> http;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      http = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!http) http = std::make_unique<HttpClient>();
  ++sends_;
  auto res = http->send(req);
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(http));
  return res;
}

void HttpSession::report_answer(const HttpResponse* answer) {
  ApiObserver* observer = options_.observer;
  if (observer == nullptr) return;
  observer->answered(options_.connection, answer ? answer->status : 0);
  if (answer == nullptr || !hooks_.budget_remaining) return;
  if (auto remaining = hooks_.budget_remaining(*answer))
    observer->budget_remaining(options_.connection, *remaining);
}

Result<HttpResponse> HttpSession::send(const SessionRequest& request) {
  const bool idempotent = request.is_idempotent();
  const std::string what = (options_.label.empty() ? std::string() : options_.label + " ") +
                           request.method + " " + path_of(request.url);
  // Two renewals a call: a session renewed for this call can expire again
  // before its resend arrives (short-lived sessions, parallel chunks).
  int renewals = 0;
  for (int attempt = 1;; ++attempt) {
    Credentials creds;
    if (request.authenticated) {
      auto c = current_or_login();
      if (!c) return c.error().with_context(what);
      creds = std::move(*c);
    }
    // Last before the send: a hook may count the request as in flight until
    // classify() sees its outcome.
    if (hooks_.before_send)
      if (Status s = hooks_.before_send(request); !s) return s.error().with_context(what);
    pacer_.wait_turn();
    if (request.also_pace) request.also_pace->wait_turn();
    auto res = send_once(request, request.authenticated ? &creds : nullptr);
    report_answer(res ? &*res : nullptr);
    Verdict verdict =
        hooks_.classify ? hooks_.classify(request, res ? &*res : nullptr) : Verdict::standard();
    if (verdict.kind == Verdict::Kind::fail) return verdict.error;

    // What went wrong, whether the request may go again, and how long to wait.
    std::string reason;
    bool may_retry = false;
    double server_wait = -1;  // the server's (or the hook's) wait, seconds
    Error failure;
    if (!res) {
      failure = res.error().with_context(what);
      if (failure.kind != ErrorKind::retryable) return failure;
      reason = res.error().message;
      bool unsent = never_sent(res.error());
      if (!unsent && !idempotent) {
        failure.outcome_unknown = true;  // it may have been applied
        return failure;
      }
      may_retry = true;
    } else if (verdict.kind == Verdict::Kind::retry_after) {
      reason = "HTTP " + std::to_string(res->status) + " (rate limit)";
      server_wait = verdict.wait_secs;
      std::string words = hooks_.error_text ? hooks_.error_text(*res) : res->body.substr(0, 300);
      failure = Error(ErrorKind::retryable, what + ": " + reason + ": " + words);
      may_retry = true;
    } else {
      int status = res->status;
      if (status == 401 && request.authenticated && auth_->renewable() && renewals < 2) {
        ++renewals;
        if (attempt < options_.max_attempts) {
          if (Status s = renew(creds.generation); !s) return s.error().with_context(what);
          log_retry(request, "HTTP 401: credentials renewed", attempt, 0);
          ++retries_;
          continue;
        }
      }
      bool refused = refused_status(status);
      bool ambiguous = ambiguous_status(status);
      if (!refused && !ambiguous) return res;  // 2xx, or a final answer for the connector
      reason = "HTTP " + std::to_string(status);
      server_wait = retry_after_of(*res);
      std::string words = hooks_.error_text ? hooks_.error_text(*res) : res->body.substr(0, 300);
      failure =
          Error(ErrorKind::retryable, what + ": HTTP " + std::to_string(status) + ": " + words);
      if (ambiguous && !idempotent) {
        failure.outcome_unknown = true;
        return failure;
      }
      may_retry = true;
    }
    if (server_wait >= 0) failure.retry_after_secs = server_wait;
    if (failure.message.empty()) {
      failure = Error(ErrorKind::retryable, what + ": " + reason);
      if (server_wait >= 0) failure.retry_after_secs = server_wait;
    }
    if (!may_retry || attempt >= options_.max_attempts) {
      failure.message += " (after " + std::to_string(attempt) + " attempts)";
      return failure;
    }
    if (server_wait > options_.max_wait_secs) {
      // Not slept through: the engine parks the call and moves on.
      failure.message += " (the server asks to wait " + std::to_string(std::lround(server_wait)) +
                         " s, more than " + std::to_string(std::lround(options_.max_wait_secs)) +
                         ")";
      return failure;
    }
    int64_t wait = backoff_micros(attempt);
    if (server_wait >= 0) {
      // Never sooner than the server said; the pacer holds every other call
      // on this connection too.
      wait = std::max(wait, static_cast<int64_t>(server_wait * 1e6));
      pacer_.hold_for(server_wait);
    }
    log_retry(request, reason, attempt, wait);
    ++retries_;
    clock_.sleep_micros(wait);
  }
}

}  // namespace crmsync::net
