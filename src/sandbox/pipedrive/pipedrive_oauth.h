#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>

#include "core/result.h"

namespace crmsync::sandbox::pipedrive {

// The OAuth state of the sandbox's one app: authorization codes (single
// use, 5 minutes), refresh tokens (kept until a reset) and access tokens
// (60 minutes of sandbox time), as oauth.pipedrive.com hands them out.
// Thread-safe.
class OAuthTokens {
 public:
  using Clock = std::function<int64_t()>;  // epoch seconds (sandbox time)
  explicit OAuthTokens(Clock clock);

  static constexpr int64_t kAccessTokenSecs = 3600;
  static constexpr int64_t kCodeSecs = 300;

  struct Grant {
    std::string access_token;
    std::string refresh_token;
    int64_t expires_in = 0;  // seconds, as the token answer says (3599)
  };

  // A code for the consent given to `redirect_uri`.
  std::string issue_code(const std::string& redirect_uri);
  // Errors are `rejected` with the message the real service answers
  // ("Invalid grant: authorization_code is invalid", ...).
  Result<Grant> exchange_code(const std::string& code, const std::string& redirect_uri);
  Result<Grant> refresh(const std::string& refresh_token);
  // The refresh token stops working (access tokens it gave live until they
  // expire); false when it was not one.
  bool revoke(const std::string& refresh_token);
  // A refresh token as if a user had just installed the app (admin, for
  // rehearsals and tests that skip the browser).
  std::string issue_refresh_token();

  enum class Check { valid, expired, unknown };
  Check check(const std::string& access_token) const;

  // Forgets every code and token (admin reset).
  void clear();

 private:
  Grant grant_locked(const std::string& refresh_token);
  std::string random_hex(size_t n);

  Clock clock_;
  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  struct Code {
    std::string redirect_uri;
    int64_t issued = 0;
  };
  std::map<std::string, Code> codes_;
  std::map<std::string, int64_t> refresh_tokens_;  // -> issue time
  std::map<std::string, int64_t> access_tokens_;   // -> expiry
};

}  // namespace crmsync::sandbox::pipedrive
