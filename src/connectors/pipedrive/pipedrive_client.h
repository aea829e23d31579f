#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "connectors/pipedrive/pipedrive_budget.h"
#include "connectors/pipedrive/pipedrive_config.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/value.h"
#include "net/http_session.h"
#include "net/request_pacer.h"

namespace crmsync {

// Calls to one Pipedrive company through the connection's HttpSession: the
// API token in the x-api-token header (or, with `auth: oauth`, an OAuth
// access token as Bearer, against the api_domain the token answer names;
// the session renews it once on 401), paced under the burst limit
// (searches under their own). This class builds the requests and says what
// Pipedrive's answers mean: the rate headers (x-ratelimit-limit, -remaining,
// -reset), a burst 429 (retried by the session after Retry-After or the
// reset) from a daily-budget 429 (never retried: a fatal "budget reached"
// error, also before sending when the run's max_daily_api_share would be
// exceeded). Answers are the `data` of the {success, data, additional_data}
// envelope. Errors quote Pipedrive's `error` text, never the token.
// Updates (PUT/PATCH by id) count as idempotent; creates (POST) do not.
// One thread.
class PipedriveClient {
 public:
  // `api_observer`: see net::SessionOptions::observer (may be null).
  PipedriveClient(const PipedriveConfig& config, Clock& clock, net::SessionLog log = {},
                  net::ApiObserver* api_observer = nullptr);

  struct Answer {
    int status = 0;
    Value data;
    Value additional_data;
  };
  // `path` starts with /v1/ or /api/v2/ (query string included).
  Result<Answer> call(const std::string& method, const std::string& path,
                      const std::string& body = "", bool search = false);

  int64_t calls() const { return session_->sends(); }
  const net::RequestPacer& pacer() const { return session_->pacer(); }
  const PipedriveBudget& budget() const { return budget_; }
  // OAuth token refreshes so far (0 with an API token).
  int64_t token_refreshes() const { return session_->logins(); }
  // Which limit made the client wait last ("burst", "search burst", "429").
  const std::string& last_limit() const { return last_limit_; }
  net::HttpSession& session() { return *session_; }

 private:
  net::Verdict classify(const net::SessionRequest& request, const net::HttpResponse* answer);

  const PipedriveConfig& config_;
  std::unique_ptr<net::HttpSession> session_;
  std::unique_ptr<net::RequestPacer> search_pacer_;
  PipedriveBudget budget_;
  std::string last_limit_;
};

}  // namespace crmsync
