// OAuthConnects (oauth_connect.h): Connect and Disconnect for serve.
#include "service/oauth_connect.h"

#include "core/redact.h"
#include "engine/stored_secrets.h"

namespace crmsync::service {
namespace {

template <typename T>
Answer<T> refused(int status, std::string code, std::string message, std::string field = "") {
  Answer<T> a;
  a.error = RequestError{status, std::move(code), std::move(message), std::move(field)};
  return a;
}

template <typename T>
Answer<T> answered(T value) {
  Answer<T> a;
  a.value = std::move(value);
  return a;
}

// The connection `name` of `config` when it logs in through the browser.
const ConnectionConfig* web_flow_connection(const Config& config, const std::string& name,
                                            RequestError& error) {
  const ConnectionConfig* c = config.connection(name);
  if (c == nullptr) {
    error = {404, "unknown_connection", "no connection '" + scrub(name) + "' in the config",
             "name"};
    return nullptr;
  }
  if (!uses_oauth_web_flow(*c)) {
    error = {400, "not_oauth",
             "connection '" + name +
                 "' does not log in through the browser (only salesforce and pipedrive with "
                 "auth: web_server do)",
             "name"};
    return nullptr;
  }
  return c;
}

}  // namespace

std::string oauth_token_secret(const std::string& connection) {
  // Every web-flow connector stores its refresh token as this option
  // (OAuthWebFlow::token_option).
  return connection_secret_name(connection, "refresh_token");
}

void OAuthConnects::drop_expired(int64_t now) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now - it->second.created_at >= kPendingMicros)
      it = pending_.erase(it);
    else
      ++it;
  }
}

Answer<std::string> OAuthConnects::begin(const Config& config, const std::string& name,
                                         const std::string& redirect_uri) {
  RequestError error;
  const ConnectionConfig* c = web_flow_connection(config, name, error);
  if (c == nullptr)
    return refused<std::string>(error.status, error.code, error.message, error.field);
  auto flow = make_oauth_web_flow(*c, ConnectorContext{config.dir});
  if (!flow) return refused<std::string>(400, "invalid_connection", scrub(flow.error().message));
  OAuthAuthorization a = (*flow)->begin(redirect_uri);
  std::string url = a.url;
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = clock_.now_micros();
  drop_expired(now);
  if (pending_.size() >= kMaxPending) {
    return refused<std::string>(503, "too_many_connects",
                                "too many logins are waiting for their redirect; try again in a "
                                "few minutes");
  }
  std::string state = a.state;
  pending_[state] = Pending{name, std::move(a), now};
  return answered(std::move(url));
}

Answer<std::string> OAuthConnects::finish(const Config& config, StateStore& store,
                                          const std::string& state, const std::string& code) {
  Pending p;
  {
    std::lock_guard<std::mutex> lock(mu_);
    drop_expired(clock_.now_micros());
    auto it = pending_.find(state);
    // A state serve did not make (a forged or stale link) logs nothing in.
    if (state.empty() || it == pending_.end()) {
      return refused<std::string>(400, "unknown_state",
                                  "this login was not started here, or it is older than 10 "
                                  "minutes: start it again with Connect");
    }
    p = std::move(it->second);
    pending_.erase(it);
  }
  if (code.empty()) return refused<std::string>(400, "invalid_value", "the redirect has no code");
  RequestError error;
  const ConnectionConfig* c = web_flow_connection(config, p.connection, error);
  if (c == nullptr)
    return refused<std::string>(error.status, error.code, error.message, error.field);
  auto flow = make_oauth_web_flow(*c, ConnectorContext{config.dir});
  if (!flow) return refused<std::string>(400, "invalid_connection", scrub(flow.error().message));
  auto token = (*flow)->finish(p.authorization, code);
  if (!token) return refused<std::string>(502, "oauth_failed", scrub(token.error().message));
  Status stored =
      store.put_secret(oauth_token_secret(p.connection), *token, clock_.now_micros() / 1'000'000);
  if (!stored) return refused<std::string>(500, "store_error", scrub(stored.error().message));
  return answered(p.connection);
}

Answer<std::string> OAuthConnects::disconnect(const Config& config, StateStore& store,
                                              const std::string& name) {
  RequestError error;
  const ConnectionConfig* c = web_flow_connection(config, name, error);
  if (c == nullptr)
    return refused<std::string>(error.status, error.code, error.message, error.field);
  std::string secret = oauth_token_secret(name);
  std::string revocation = "no token was stored";
  auto token = store.get_secret(secret);
  if (token && token->has_value()) {
    auto flow = make_oauth_web_flow(*c, ConnectorContext{config.dir});
    Status revoked = flow ? (*flow)->revoke(**token) : Status(flow.error());
    revocation = revoked ? "revoked" : "not revoked: " + scrub(revoked.error().message);
  } else if (!token) {
    revocation = "not revoked (the token could not be read: " + scrub(token.error().message) + ")";
  }
  auto deleted = store.delete_secret(secret);
  if (!deleted) return refused<std::string>(500, "store_error", scrub(deleted.error().message));
  return answered(std::move(revocation));
}

}  // namespace crmsync::service
