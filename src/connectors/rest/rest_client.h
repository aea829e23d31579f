#pragma once

#include <memory>
#include <string>

#include "connectors/rest/rest_auth.h"
#include "connectors/rest/rest_config.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/value.h"
#include "net/http_session.h"
#include "net/request_pacer.h"

namespace crmsync {

// Calls to one REST API through the connection's net::HttpSession:
// authenticated as the config says (RestAuthProvider), paced under
// requests_per_second, JSON in and out. The session owns the retries (at
// most max_attempts sends per call; POST is never resent after it may have
// been applied: the error then has outcome_unknown) and one re-login on
// 401. This class turns final answers into errors: 4xx rejected, quoting
// the API's message (never a header, a token or the password); a second
// 401 auth. One thread.
class RestClient {
 public:
  // `api_observer`: see net::SessionOptions::observer (may be null).
  RestClient(const RestConfig& config, Clock& clock, net::SessionLog log = {},
             net::ApiObserver* api_observer = nullptr);

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

  int64_t calls() const { return session_->sends(); }
  // HTTP status of the last answer of call() (0 when none came): tells a
  // 404 "not there" from other rejections.
  int last_status() const { return last_status_; }
  int64_t logins() const { return session_->logins(); }
  const net::RequestPacer& pacer() const { return session_->pacer(); }

 private:
  // `e` with every credential of the config (and the password's MD5, the
  // current tokens) replaced by "***": transport errors quote URLs, and an
  // API key may travel in a query parameter of any name.
  Error scrub(Error e) const;

  const RestConfig& config_;
  RestAuthProvider* auth_;  // owned by session_
  std::unique_ptr<net::HttpSession> session_;
  int last_status_ = 0;
};

}  // namespace crmsync
