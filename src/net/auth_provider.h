#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "net/http_client.h"

namespace crmsync::net {

class HttpSession;

// What a login produced: a token and, when the login says where the API
// lives (Salesforce instance_url, Pipedrive api_domain), its base URL.
struct Credentials {
  std::string token;
  std::string base_url;
  double expires_in_secs = 0;  // 0: unknown (renewed on 401 only)
  uint64_t generation = 0;     // set by the session: which login this is
};

// How one connection authenticates, plugged into its HttpSession. The
// session decides when to log in (first use, expiry, one renewal on 401)
// and makes logins single-flight; the provider only knows how.
//
// login() runs under the session's login lock (never two at once), so a
// provider may keep state across logins (a rotated refresh token). Its
// token request goes through `session.send` with authenticated = false
// (and idempotent = true: a token grant changes nothing a resend could
// double). Errors: auth (refused credentials), retryable, fatal (setup);
// never with a secret in the message. apply() is called for every send
// and must not block.
class AuthProvider {
 public:
  virtual ~AuthProvider() = default;
  // Whether there is anything to log in to; static schemes (API key, basic,
  // a fixed bearer token) say no, and a 401 to them is final.
  virtual bool renewable() const { return false; }
  virtual Result<Credentials> login(HttpSession& session) {
    (void)session;
    return Credentials{};
  }
  // Puts the credentials on a request (a header, or a query parameter).
  virtual void apply(const Credentials& credentials, HttpClientRequest& request) const = 0;
};

// No authentication.
class NoAuth final : public AuthProvider {
 public:
  void apply(const Credentials&, HttpClientRequest&) const override {}
};

// A fixed header (x-api-token, Authorization: Bearer/Basic ...).
class HeaderAuth final : public AuthProvider {
 public:
  HeaderAuth(std::string name, std::string value)
      : name_(std::move(name)), value_(std::move(value)) {}
  void apply(const Credentials&, HttpClientRequest& request) const override {
    request.headers.emplace(name_, value_);
  }

 private:
  std::string name_, value_;
};

}  // namespace crmsync::net
