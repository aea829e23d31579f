#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>

namespace crmsync::sandbox::salesforce {

// Access tokens and refresh tokens the sandbox has issued. Thread-safe.
// Access tokens expire `lifetime_secs` after issue; with `expire_every_secs`
// set (fault injection) every token dies at each multiple of it.
class Sessions {
 public:
  using Clock = std::function<int64_t()>;  // unix micros

  Sessions(std::string org_id, Clock clock)
      : org_id_(std::move(org_id)), clock_(std::move(clock)) {}

  void set_lifetime_secs(int64_t secs);
  void set_expire_every_secs(int64_t secs);  // 0: off

  // A new access token `<orgId>!<random>` for `user_id`.
  std::string issue(const std::string& user_id);
  std::string issue_refresh(const std::string& user_id);
  // The user of a live access token, or nullopt (unknown, expired, revoked).
  std::optional<std::string> user_of(const std::string& token);
  std::optional<std::string> user_of_refresh(const std::string& token);
  // An authorization code (web-server flow) and what it was issued for.
  struct AuthCode {
    std::string user_id;
    std::string client_id;
    std::string redirect_uri;
    std::string code_challenge;  // PKCE S256; empty when the client sent none
    int64_t issued_micros = 0;
  };
  std::string issue_code(AuthCode code);
  // The code's grant, removed so that it cannot be used again; nullopt when
  // unknown or already used. The caller checks its age.
  std::optional<AuthCode> take_code(const std::string& code);
  // Revokes an access or refresh token; false when unknown.
  bool revoke(const std::string& token);
  void clear();

 private:
  std::string random_text(size_t n);

  struct Session {
    std::string user_id;
    int64_t issued_micros = 0;
  };
  std::string org_id_;
  Clock clock_;
  std::mutex mutex_;
  std::mt19937_64 rng_{std::random_device{}()};
  std::unordered_map<std::string, Session> access_;
  std::unordered_map<std::string, std::string> refresh_;  // token -> user
  std::unordered_map<std::string, AuthCode> codes_;
  int64_t lifetime_secs_ = 7200;
  int64_t expire_every_secs_ = 0;
};

}  // namespace crmsync::sandbox::salesforce
