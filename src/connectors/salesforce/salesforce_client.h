#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connectors/salesforce/salesforce_config.h"
#include "core/clock.h"
#include "core/result.h"
#include "net/http_client.h"
#include "net/http_session.h"

namespace crmsync {

// One Salesforce connection's calls, through its net::HttpSession: the
// session gets the access token (SalesforceAuth: password, JWT, refresh
// token / web_server, client credentials, or a fixed access token), renews
// it once on a 401 (single flight across threads), paces and retries with
// backoff (max_attempts sends per call). This class builds the REST
// requests, says which are idempotent (everything but POST, plus the
// POSTs that create nothing: sObject Collections retrieves and Bulk jobs),
// and turns error answers into Errors that quote Salesforce's errorCode
// and message (never the token).
//
// Thread-safe: the connection's write sends up to max_parallel_requests
// calls at once.
//
// Daily limit: every answer's Sforce-Limit-Info (api-usage=N/M) is noted;
// a call that would take N (plus the calls in flight) past
// max_daily_api_share of M is not sent, and a 403 REQUEST_LIMIT_EXCEEDED
// is not retried: both return a fatal "budget reached" error naming the
// limit and the numbers, which stops the flows on this connection.
class SalesforceClient {
 public:
  // `api_observer`: see net::SessionOptions::observer (may be null).
  SalesforceClient(const SalesforceConfig& config, Clock& clock, net::SessionLog log = {},
                   net::ApiObserver* api_observer = nullptr);

  // `path` is relative to /services/data/vNN.N (e.g. "/query?q=...") or,
  // starting with /services/, to the instance. `body` is JSON.
  Result<net::HttpResponse> call(const std::string& method, const std::string& path,
                                 const std::string& body = "",
                                 const net::HttpHeaders& extra_headers = {});
  // Logs in when there is no token yet (a `check`).
  Status ensure_session();
  // The session for requests sent outside call() (Streaming API long
  // polls, on their own HTTP connection); logs in when needed.
  struct Session {
    std::string access_token;
    std::string instance_url;
  };
  Result<Session> session();
  // Drops the token and logs in again (the Streaming API refused it).
  Status renew_session();

  // API requests used and allowed today, from the last Sforce-Limit-Info.
  int64_t api_used() const;
  int64_t api_max() const;
  int64_t calls() const { return session_->sends(); }
  Clock& clock() { return session_->clock(); }

 private:
  // Counts a call in flight, or the budget error when it may not be sent.
  Status reserve(const std::string& method, const std::string& path);
  void release(const std::optional<std::string>& limit_info);
  net::Verdict classify(const net::SessionRequest& request, const net::HttpResponse* answer);
  std::string url_for(const std::string& path) const;

  const SalesforceConfig& config_;
  mutable std::mutex mutex_;
  int64_t api_used_ = 0, api_max_ = 0, in_flight_ = 0;
  std::unique_ptr<net::HttpSession> session_;
};

// "api-usage=18/15000" (possibly among other entries) into used and max.
std::optional<std::pair<int64_t, int64_t>> parse_limit_info(std::string_view header);

// What the token endpoint answered (any grant).
struct SalesforceToken {
  std::string access_token;
  std::string instance_url;   // without a trailing slash
  std::string refresh_token;  // empty unless the grant issues one
};
// A token endpoint answer, or its error (fatal: refused, quoting error and
// error_description; retryable: 429/5xx). Messages never hold a token.
Result<SalesforceToken> parse_token_answer(const net::HttpResponse& res);

// "errorCode: message (fields: A, B)" of a Salesforce error body: an array of
// {message, errorCode|statusCode, fields}; the raw body (cut) otherwise.
std::string salesforce_error_text(std::string_view body);
// The errorCode of the first error in an error body, or "".
std::string salesforce_error_code(std::string_view body);
// What an errorCode means for the caller (STYLE.md rule 6).
ErrorKind salesforce_error_kind(std::string_view code, int http_status);

}  // namespace crmsync
