#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "connectors/pipedrive/pipedrive_config.h"
#include "core/result.h"
#include "net/http_client.h"

namespace crmsync {

// OAuth access tokens for `auth: oauth`: a refresh_token grant against
// {oauth_url}/oauth/token with the app's client id and secret (HTTP basic),
// at the first call and again when the API answers 401. Refreshes are
// single-flight: callers pass the generation of the token their request
// carried, and a caller whose token was already replaced by another one's
// refresh uses the new token instead of refreshing again. The answer's
// api_domain (the company's own host) becomes the API base. Errors never
// carry the secret or the tokens. Thread-safe.
class PipedriveOAuth {
 public:
  explicit PipedriveOAuth(const PipedriveConfig& config);

  struct Token {
    std::string access_token;
    std::string api_domain;   // "" when the answer had none
    uint64_t generation = 0;  // 0: no token yet
  };
  // The current token, fetching one when there is none yet.
  Result<Token> current();
  // A token newer than generation `stale` (the one a request was refused
  // with): fetched unless another caller already did.
  Result<Token> renew(uint64_t stale);
  int64_t refreshes() const;

 private:
  Status fetch_locked();

  const PipedriveConfig& config_;
  mutable std::mutex mu_;
  net::HttpClient http_;
  std::string refresh_token_;
  Token token_;
  int64_t refreshes_ = 0;
};

}  // namespace crmsync
