#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/backoff.h"
#include "core/clock.h"
#include "core/result.h"
#include "net/api_observer.h"
#include "net/auth_provider.h"
#include "net/http_client.h"
#include "net/request_pacer.h"
#include "net/session_verdict.h"

namespace crmsync::net {

// One call as a connector describes it; the session adds credentials.
struct SessionRequest {
  std::string method = "GET";
  std::string url;  // absolute; a relative one is resolved against the credentials' base
  HttpHeaders headers;
  std::string body;
  // Whether sending it twice has the effect of sending it once. Unset: by
  // method (GET, HEAD, PUT, DELETE, OPTIONS yes; POST, PATCH no). Connectors
  // say yes for upserts by external id, PATCH by id, token and query POSTs.
  std::optional<bool> idempotent;
  bool authenticated = true;  // false for the login / token request itself
  const std::atomic<bool>* cancel = nullptr;
  // Extra pacer for this request on top of the session's (Pipedrive's
  // search window). Must outlive the call.
  RequestPacer* also_pace = nullptr;

  bool is_idempotent() const;
};

// How a session behaves; the same for every HTTP connector except where said.
struct SessionOptions {
  std::string connection;  // the connection's name, for the retry log line
  // Prefix of error messages ("pipedrive" -> "pipedrive POST /v1/persons: ...").
  std::string label;
  // Where relative request URLs go when the credentials name no base.
  std::string base_url;
  int max_attempts = 5;  // tries in total per call (the `max_attempts` option)
  double backoff_base_secs = 0.25;
  double backoff_cap_secs = 30;
  // A server asking for a longer wait is not waited for: the call returns a
  // retryable error with retry_after_secs so the engine parks and moves on.
  double max_wait_secs = 60;
  double timeout_secs = 30;
  double connect_timeout_secs = 10;
  bool verify_tls = true;
  int64_t rate_limit = 0;  // requests per rate_window (0: no pacing)
  int64_t rate_window_micros = 1'000'000;
  uint64_t jitter_seed = 0;  // 0: random
  // Told every answer (each attempt) and every budget an answer reports
  // (SessionHooks::budget_remaining); null: nobody. Must outlive the session.
  ApiObserver* observer = nullptr;
};

// Where each retry's line goes (default: stderr). Thread-safe.
using SessionLog = std::function<void(std::string_view line)>;

// Everything between a connector and the network for one connection:
// credentials (login on first use, one renewal on 401, single-flight across
// threads), pacing (rolling window, Retry-After, the connector's rate and
// budget headers through its hooks), and retries with full-jitter backoff,
// at most `max_attempts` sends in total per call, all waiting on the
// injected Clock. Connectors build requests and classify answers only.
//
// Retry rules (shared with the engine's handling of unknown outcomes):
// - any request: transport failures where it never reached the server
//   (connect, DNS), 429, 503, a 401 after one renewal, a hook's retry;
// - idempotent requests only: transport failures after sending (timeouts,
//   resets), 408, 500, 502, 504;
// - a non-idempotent request that failed ambiguously returns at once a
//   retryable Error with outcome_unknown set: it may have been applied.
// When the tries are spent the last failure is returned as a retryable
// Error (with the server's wait in retry_after_secs). Other answers, 2xx
// and final 4xx alike, come back as responses for the connector to read.
//
// Thread-safe: calls from several threads each borrow their own HTTP handle.
class HttpSession {
 public:
  HttpSession(SessionOptions options, std::unique_ptr<AuthProvider> auth, SessionHooks hooks,
              Clock& clock, SessionLog log = {});
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  Result<HttpResponse> send(const SessionRequest& request);

  // The credentials as they are now, logging in when there are none yet
  // (a `check`, or a stream on its own connection).
  Result<Credentials> credentials();
  // Renews the credentials unless they changed since `stale` was refused.
  Status renew(uint64_t stale_generation);
  // Drops the credentials so the next call logs in again.
  void forget_credentials();

  RequestPacer& pacer() { return pacer_; }
  const RequestPacer& pacer() const { return pacer_; }
  Clock& clock() { return clock_; }
  const SessionOptions& options() const { return options_; }
  int64_t sends() const { return sends_.load(); }      // every request that went out
  int64_t retries() const { return retries_.load(); }  // of them, resends after a failure
  int64_t logins() const { return logins_.load(); }

 private:
  Result<HttpResponse> send_once(const SessionRequest& request, const Credentials* creds);
  void report_answer(const HttpResponse* answer);  // to options_.observer
  Result<Credentials> current_or_login();
  Status login_locked();
  void log_retry(const SessionRequest& request, std::string_view reason, int attempt,
                 int64_t wait_micros);
  int64_t backoff_micros(int retry);

  SessionOptions options_;
  std::unique_ptr<AuthProvider> auth_;
  SessionHooks hooks_;
  Clock& clock_;
  SessionLog log_;
  RequestPacer pacer_;

  std::mutex auth_mu_;  // held through a login: one at a time
  std::mutex mu_;       // credentials, handles, backoff
  Credentials creds_;
  bool have_creds_ = false;
  int64_t expires_at_micros_ = 0;  // 0: no known expiry
  std::vector<std::unique_ptr<HttpClient>> idle_;
  Backoff backoff_;
  std::atomic<int64_t> sends_{0}, retries_{0}, logins_{0};
};

// The clock to wait on: `clock`, or the process's system clock when null.
Clock& clock_or_system(Clock* clock);

// "/v1/persons" of "https://host/v1/persons?api_token=..": what a log line
// or message may show of a URL.
std::string path_of(std::string_view url);

}  // namespace crmsync::net
