#pragma once

#include <memory>
#include <optional>
#include <string>

#include "connectors/salesforce/salesforce_config.h"
#include "core/result.h"
#include "net/http_client.h"

namespace crmsync {

// One Salesforce session: gets the access token, sends REST calls with it,
// renews it on a 401 and repeats the call, retries idempotent calls on
// 429/5xx, and turns error answers into
// Errors that quote Salesforce's errorCode and message (never the token).
// Used from one thread at a time (the connection's).
class SalesforceClient {
 public:
  explicit SalesforceClient(const SalesforceConfig& config);

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
  int64_t api_used() const { return api_used_; }
  int64_t api_max() const { return api_max_; }
  int64_t calls() const { return calls_; }

 private:
  Status login();
  void read_limit_info(std::string_view header);
  std::string url_for(const std::string& path) const;

  const SalesforceConfig& config_;
  net::HttpClient http_;
  std::string access_token_;
  std::string instance_url_;
  int64_t api_used_ = 0, api_max_ = 0, calls_ = 0;
};

// "errorCode: message (fields: A, B)" of a Salesforce error body: an array of
// {message, errorCode|statusCode, fields}; the raw body (cut) otherwise.
std::string salesforce_error_text(std::string_view body);
// The errorCode of the first error in an error body, or "".
std::string salesforce_error_code(std::string_view body);
// What an errorCode means for the caller (STYLE.md rule 6).
ErrorKind salesforce_error_kind(std::string_view code, int http_status);

}  // namespace crmsync
