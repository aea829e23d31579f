#include "sandbox/pipedrive/pipedrive_oauth.h"

namespace crmsync::sandbox::pipedrive {

OAuthTokens::OAuthTokens(Clock clock) : clock_(std::move(clock)), rng_(std::random_device{}()) {}

std::string OAuthTokens::random_hex(size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) out.push_back(kHex[rng_() & 15]);
  return out;
}

std::string OAuthTokens::issue_code(const std::string& redirect_uri) {
  std::lock_guard lock(mu_);
  std::string code = "1.1." + random_hex(32);
  codes_[code] = {redirect_uri, clock_()};
  return code;
}

OAuthTokens::Grant OAuthTokens::grant_locked(const std::string& refresh_token) {
  Grant g;
  // The real tokens are "<company>:<user>:<secret>".
  g.access_token = "1:1:" + random_hex(40);
  g.refresh_token = refresh_token;
  // One second less than the lifetime, as the real answer says 3599.
  g.expires_in = kAccessTokenSecs - 1;
  access_tokens_[g.access_token] = clock_() + kAccessTokenSecs;
  return g;
}

Result<OAuthTokens::Grant> OAuthTokens::exchange_code(const std::string& code,
                                                      const std::string& redirect_uri) {
  std::lock_guard lock(mu_);
  auto it = codes_.find(code);
  if (it == codes_.end())
    return Error(ErrorKind::rejected, "Invalid grant: authorization_code is invalid");
  Code c = it->second;
  codes_.erase(it);  // single use, even when the exchange fails below
  if (clock_() - c.issued > kCodeSecs)
    return Error(ErrorKind::rejected, "Invalid grant: authorization_code has expired");
  if (c.redirect_uri != redirect_uri)
    return Error(ErrorKind::rejected, "Invalid request: redirect_uri is invalid");
  std::string refresh = "1:1:" + random_hex(40);
  refresh_tokens_[refresh] = clock_();
  return grant_locked(refresh);
}

Result<OAuthTokens::Grant> OAuthTokens::refresh(const std::string& refresh_token) {
  std::lock_guard lock(mu_);
  if (!refresh_tokens_.count(refresh_token))
    return Error(ErrorKind::rejected, "Invalid grant: refresh_token is invalid");
  // The refresh token stays the same; each refresh issues a new access token
  // and older ones live until they expire.
  return grant_locked(refresh_token);
}

bool OAuthTokens::revoke(const std::string& refresh_token) {
  std::lock_guard lock(mu_);
  return refresh_tokens_.erase(refresh_token) > 0;
}

std::string OAuthTokens::issue_refresh_token() {
  std::lock_guard lock(mu_);
  std::string refresh = "1:1:" + random_hex(40);
  refresh_tokens_[refresh] = clock_();
  return refresh;
}

OAuthTokens::Check OAuthTokens::check(const std::string& access_token) const {
  std::lock_guard lock(mu_);
  auto it = access_tokens_.find(access_token);
  if (it == access_tokens_.end()) return Check::unknown;
  return clock_() < it->second ? Check::valid : Check::expired;
}

void OAuthTokens::clear() {
  std::lock_guard lock(mu_);
  codes_.clear();
  refresh_tokens_.clear();
  access_tokens_.clear();
}

}  // namespace crmsync::sandbox::pipedrive
