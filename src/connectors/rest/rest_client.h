#pragma once

#include <chrono>
#include <string>

#include "connectors/rest/rest_config.h"
#include "core/result.h"
#include "core/value.h"
#include "net/http_client.h"
#include "net/request_pacer.h"

namespace crmsync {

// Calls to one REST API: authenticated as the config says, paced under
// requests_per_second, JSON in and out.
//
// Within one call it retries what can be retried without changing the
// outcome: a 429 after the server's Retry-After (any method: the request was
// refused, not executed), 5xx answers and transport failures when the method
// is safe to repeat (not POST), up to max_attempts; after that the error is
// retryable, with the server's wait in retry_after_secs, and the engine
// decides. A 401 gets one fresh login / token and one more try, then is an
// auth error. A 429 asking for more than a minute is returned at once.
// Other 4xx are rejected, quoting the API's message (never a
// header, a token or the password). One thread.
class RestClient {
 public:
  explicit RestClient(const RestConfig& config);

  struct Answer {
    int status = 0;
    net::HttpHeaders headers;
    Value json;  // null when the body is empty or not JSON
    std::string body;
  };
  // `url` is absolute or relative to base_url (query string included);
  // `body` is JSON.
  Result<Answer> call(const std::string& method, const std::string& url,
                      const std::string& body = "");
  // Logs in / fetches a token now when the auth kind has one (check()).
  Status authenticate();

  int64_t calls() const { return calls_; }
  // HTTP status of the last answer of call() (0 when none came): tells a
  // 404 "not there" from other rejections.
  int last_status() const { return last_status_; }
  int64_t logins() const { return logins_; }
  const net::RequestPacer& pacer() const { return pacer_; }

 private:
  using Clock = std::chrono::steady_clock;
  bool has_token_auth() const;
  Status ensure_token();
  Status fetch_oauth_token();
  Status login();
  void apply_auth(net::HttpClientRequest& req) const;
  Result<net::HttpResponse> send(net::HttpClientRequest req);
  std::string api_message(const net::HttpResponse& res) const;
  // The error for a login or token answer that is not 2xx: kind auth.
  Error login_refused(const net::HttpResponse& res, const std::string& what) const;
  // One call with its retries, re-login and classification (call()).
  Result<Answer> call_with_retries(const std::string& method, const std::string& url,
                                   const std::string& body);
  // `e` with every credential of the config (and the password's MD5, the
  // current tokens) replaced by "***": transport errors quote URLs, and an
  // API key may travel in a query parameter of any name.
  Error scrub(Error e) const;

  const RestConfig& config_;
  net::HttpClient http_;
  net::RequestPacer pacer_;
  std::string token_;  // OAuth2 access token or session token; empty = none yet
  std::string refresh_token_;
  Clock::time_point token_expires_{};  // {} = no known expiry
  int64_t calls_ = 0;
  int64_t logins_ = 0;
  int last_status_ = 0;
};

}  // namespace crmsync
