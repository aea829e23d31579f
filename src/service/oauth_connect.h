#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "config/config.h"
#include "connectors/oauth_web_flow.h"
#include "core/clock.h"
#include "service/control.h"
#include "state/state_store.h"

namespace crmsync::service {

// The dashboard's Connect and Disconnect (docs/dashboard.md): the OAuth
// web-server flow of connectors/oauth_web_flow.h with serve's own
// /oauth/callback as the redirect. An authorization waits here, by its
// random state, until its redirect comes (at most 10 minutes; each state
// is good once). Thread-safe.
class OAuthConnects {
 public:
  static constexpr int64_t kPendingMicros = int64_t{600} * 1'000'000;
  static constexpr size_t kMaxPending = 100;

  explicit OAuthConnects(Clock& clock) : clock_(clock) {}

  // The authorize URL the browser goes to for connection `name`.
  Answer<std::string> begin(const Config& config, const std::string& name,
                            const std::string& redirect_uri);
  // The redirect: its state must be one begin() made. The code is exchanged
  // and the refresh token stored encrypted; the answer is the connection.
  Answer<std::string> finish(const Config& config, StateStore& store, const std::string& state,
                             const std::string& code);
  // Revokes the stored token where the API can and deletes it; the answer
  // says what happened to the revocation ("revoked", or why not).
  Answer<std::string> disconnect(const Config& config, StateStore& store, const std::string& name);

 private:
  struct Pending {
    std::string connection;
    OAuthAuthorization authorization;
    int64_t created_at = 0;
  };
  void drop_expired(int64_t now);

  Clock& clock_;
  std::mutex mu_;
  std::map<std::string, Pending> pending_;  // by state
};

// The store name of a web-flow connection's refresh token.
std::string oauth_token_secret(const std::string& connection);

}  // namespace crmsync::service
