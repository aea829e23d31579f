#include "connectors/rest/rest_client.h"

#include <cmath>

#include "connectors/rest/rest_text.h"
#include "core/json.h"
#include "core/redact.h"
#include "net/http_status.h"
#include "net/url.h"

namespace crmsync {

namespace {

// requests_per_second as a rolling window: whole requests per second, or
// one request per 1/rate seconds below one a second.
void set_pacing(double rps, net::SessionOptions& o) {
  if (rps <= 0) return;
  if (rps >= 1) {
    o.rate_limit = static_cast<int64_t>(std::floor(rps));
    o.rate_window_micros = 1'000'000;
  } else {
    o.rate_limit = 1;
    o.rate_window_micros = static_cast<int64_t>(1e6 / rps);
  }
}

}  // namespace

RestClient::RestClient(const RestConfig& config, Clock& clock, net::SessionLog log,
                       net::ApiObserver* api_observer)
    : config_(config) {
  net::SessionOptions o;
  o.observer = api_observer;
  o.connection = config.name;
  o.label = "rest";
  o.base_url = config.base_url;
  o.max_attempts = static_cast<int>(config.max_attempts);
  o.timeout_secs = config.timeout_secs;
  o.verify_tls = config.verify_tls;
  set_pacing(config.requests_per_second, o);
  net::SessionHooks hooks;
  hooks.error_text = [this](const net::HttpResponse& res) {
    return rest_api_message(config_, res.body);
  };
  auto auth = std::make_unique<RestAuthProvider>(config);
  auth_ = auth.get();
  session_ = std::make_unique<net::HttpSession>(std::move(o), std::move(auth), std::move(hooks),
                                                clock, std::move(log));
}

Error RestClient::scrub(Error e) const {
  std::vector<std::string> secrets = {config_.password,    config_.token,
                                      config_.api_key,     config_.client_secret,
                                      auth_->last_token(), auth_->refresh_token()};
  if (!config_.password.empty()) secrets.push_back(md5_hex(config_.password));
  for (const std::string& secret : secrets) {
    if (secret.size() < 4) continue;  // too short to tell from ordinary text
    for (size_t at = e.message.find(secret); at != std::string::npos;
         at = e.message.find(secret, at)) {
      e.message.replace(at, secret.size(), "***");
    }
    // Query parameters arrive percent-encoded in URLs.
    std::string encoded = net::url_encode(secret);
    if (encoded == secret) continue;
    for (size_t at = e.message.find(encoded); at != std::string::npos;
         at = e.message.find(encoded, at)) {
      e.message.replace(at, encoded.size(), "***");
    }
  }
  return e;
}

Status RestClient::authenticate() {
  if (!auth_->renewable()) return {};
  session_->forget_credentials();
  if (auto c = session_->credentials(); !c) return scrub(c.error());
  return {};
}

Result<RestClient::Answer> RestClient::call(const std::string& method, const std::string& url,
                                            const std::string& body) {
  std::string full = resolve_url(config_.base_url, url);
  std::string what = "rest " + method + " " + net::path_of(full);
  last_status_ = 0;
  net::SessionRequest req;
  req.method = method;
  req.url = full;
  req.headers.emplace("Accept", "application/json");
  if (!body.empty()) req.headers.emplace("Content-Type", "application/json");
  for (const auto& [k, v] : config_.headers) req.headers.emplace(k, v);
  req.body = body;
  auto res = session_->send(req);
  if (!res) return scrub(res.error());
  int status = res->status;
  last_status_ = status;
  if (status < 200 || status >= 300) {
    Error e = net::http_status_error(*res, what);
    e.message =
        what + ": HTTP " + std::to_string(status) + ": " + rest_api_message(config_, res->body);
    return scrub(e);
  }
  Answer a;
  a.status = status;
  a.headers = std::move(res->headers);
  a.body = std::move(res->body);
  // A 2xx body that is not JSON (an empty 204, a text "OK") leaves json
  // null: the caller says whether it needed one.
  if (auto v = parse_json(a.body); v) a.json = std::move(*v);
  return a;
}

}  // namespace crmsync
