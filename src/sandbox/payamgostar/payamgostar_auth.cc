#include "sandbox/payamgostar/payamgostar_auth.h"

#include <algorithm>

#include "net/crypto.h"
#include "sandbox/common/jalali.h"
#include "sandbox/common/json_object.h"

namespace crmsync::sandbox::payamgostar {

namespace {
std::string base64url(std::string_view bytes) {
  std::string s = base64_encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}
}  // namespace

PgAuth::PgAuth(std::function<int64_t()> clock_ms, int64_t ttl_secs, int lockout_after,
               int64_t lockout_secs)
    : clock_ms_(std::move(clock_ms)),
      ttl_secs_(ttl_secs),
      lockout_after_(lockout_after),
      lockout_secs_(lockout_secs),
      key_(net::random_bytes(32)) {}

PgAuth::Login PgAuth::check_login(const std::string& username, bool password_ok) {
  std::lock_guard lock(mu_);
  int64_t now = clock_ms_();
  Failures& f = failures_[username];
  if (f.locked_until_ms > now) return Login::locked;
  if (password_ok) {
    f = {};
    return Login::ok;
  }
  if (lockout_after_ > 0 && ++f.count >= lockout_after_) {
    f.count = 0;
    f.locked_until_ms = now + lockout_secs_ * 1000;
  }
  return Login::bad_credentials;
}

PgAuth::Issued PgAuth::issue(const std::string& username) {
  std::lock_guard lock(mu_);
  int64_t now = clock_ms_();
  Issued out;
  out.expires_at_ms = now + ttl_secs_ * 1000;
  std::string header = base64url(R"({"alg":"HS256","typ":"JWT"})");
  std::string payload =
      base64url("{\"unique_name\":\"" + hex_lower(username) + "\",\"jti\":\"" +
                std::to_string(++issued_) + "\",\"iat\":" + std::to_string(now / 1000) +
                ",\"exp\":" + std::to_string(out.expires_at_ms / 1000) + "}");
  std::string signature = base64url(net::hmac_sha256(key_, header + "." + payload));
  out.access_token = header + "." + payload + "." + signature;
  out.refresh_token = hex_lower(net::random_bytes(32));
  tokens_[out.access_token] = out.expires_at_ms;
  return out;
}

PgAuth::Token PgAuth::check(const std::string& access_token) const {
  std::lock_guard lock(mu_);
  auto it = tokens_.find(access_token);
  if (it == tokens_.end()) return Token::unknown;
  return clock_ms_() >= it->second ? Token::expired : Token::valid;
}

void PgAuth::expire_all() {
  std::lock_guard lock(mu_);
  int64_t now = clock_ms_();
  for (auto& [token, expiry] : tokens_) expiry = std::min(expiry, now);
}

void PgAuth::clear() {
  std::lock_guard lock(mu_);
  tokens_.clear();
  failures_.clear();
}

}  // namespace crmsync::sandbox::payamgostar
