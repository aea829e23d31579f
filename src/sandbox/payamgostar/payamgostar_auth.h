#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace crmsync::sandbox::payamgostar {

// Logins and access tokens: JWTs (HS256, signed with a key of this
// sandbox) that expire after a TTL of sandbox time, and the lockout of a
// user after repeated bad passwords. Thread-safe.
class PgAuth {
 public:
  PgAuth(std::function<int64_t()> clock_ms, int64_t ttl_secs, int lockout_after,
         int64_t lockout_secs);

  enum class Login { ok, bad_credentials, locked };
  // Checks a login: `locked` while the user is locked out (even with the
  // right password), else counts a bad one (locking at the threshold).
  Login check_login(const std::string& username, bool password_ok);

  struct Issued {
    std::string access_token;
    std::string refresh_token;
    int64_t expires_at_ms = 0;
  };
  Issued issue(const std::string& username);

  enum class Token { valid, expired, unknown };
  Token check(const std::string& access_token) const;
  // Every token expires now (an admin shortening the lifetime).
  void expire_all();
  void clear();

 private:
  std::function<int64_t()> clock_ms_;
  int64_t ttl_secs_;
  int lockout_after_;
  int64_t lockout_secs_;
  std::string key_;
  mutable std::mutex mu_;
  std::map<std::string, int64_t> tokens_;  // token -> expiry (ms)
  struct Failures {
    int count = 0;
    int64_t locked_until_ms = 0;
  };
  std::map<std::string, Failures> failures_;
  int64_t issued_ = 0;
};

}  // namespace crmsync::sandbox::payamgostar
