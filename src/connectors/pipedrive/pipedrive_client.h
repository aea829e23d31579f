#pragma once

#include <memory>
#include <string>

#include "connectors/pipedrive/pipedrive_budget.h"
#include "connectors/pipedrive/pipedrive_config.h"
#include "connectors/pipedrive/pipedrive_oauth.h"
#include "core/result.h"
#include "core/value.h"
#include "net/http_client.h"
#include "net/request_pacer.h"

namespace crmsync {

// Calls to one Pipedrive company: the API token in the x-api-token header
// (or, with `auth: oauth`, an OAuth access token as Bearer, against the
// api_domain the token answer names; a 401 renews the token once and sends
// again), paced
// under the burst limit (searches under their own), waiting out 429s (the
// server's x-ratelimit-reset / Retry-After) and, for reads, 5xx answers.
// Answers are the `data` of the {success, data, additional_data} envelope.
// Errors quote Pipedrive's `error` text, never the token, and say which
// limit stopped a call: the burst window (retried, then a retryable error)
// or the daily budget (never retried: a fatal "budget reached" error, also
// before sending when the run's max_daily_api_share would be exceeded).
// One thread.
class PipedriveClient {
 public:
  explicit PipedriveClient(const PipedriveConfig& config);

  struct Answer {
    int status = 0;
    Value data;
    Value additional_data;
  };
  // `path` starts with /v1/ or /api/v2/ (query string included).
  Result<Answer> call(const std::string& method, const std::string& path,
                      const std::string& body = "", bool search = false);

  int64_t calls() const { return calls_; }
  const net::RequestPacer& pacer() const { return pacer_; }
  const PipedriveBudget& budget() const { return budget_; }
  // OAuth token refreshes so far (0 with an API token).
  int64_t token_refreshes() const { return oauth_ ? oauth_->refreshes() : 0; }
  // Which limit made the client wait last ("burst", "search burst", "429").
  const std::string& last_limit() const { return last_limit_; }

 private:
  const PipedriveConfig& config_;
  net::HttpClient http_;
  net::RequestPacer pacer_;
  net::RequestPacer search_pacer_;
  PipedriveBudget budget_;
  std::unique_ptr<PipedriveOAuth> oauth_;  // auth: oauth only
  int64_t calls_ = 0;
  std::string last_limit_;
};

}  // namespace crmsync
