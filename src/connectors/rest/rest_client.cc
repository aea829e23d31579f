#include "connectors/rest/rest_client.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "connectors/rest/rest_text.h"
#include "core/json.h"
#include "core/redact.h"
#include "net/http_status.h"
#include "net/url.h"

namespace crmsync {

namespace {

// requests_per_second as a rolling window: whole requests per second, or
// one request per 1/rate seconds below one a second.
net::RequestPacer make_pacer(double rps) {
  if (rps <= 0) return net::RequestPacer(0, std::chrono::seconds(1));
  if (rps >= 1) {
    return net::RequestPacer(static_cast<int64_t>(std::floor(rps)), std::chrono::seconds(1));
  }
  return net::RequestPacer(1, std::chrono::duration_cast<net::RequestPacer::Clock::duration>(
                                  std::chrono::duration<double>(1 / rps)));
}

// The method and path of a call, for messages: no host, no query string
// (an API key or a session may travel there).
std::string describe(const std::string& method, const std::string& url) {
  std::string path = url.substr(0, url.find('?'));
  size_t scheme = path.find("://");
  if (scheme != std::string::npos) {
    size_t slash = path.find('/', scheme + 3);
    path = slash == std::string::npos ? "/" : path.substr(slash);
  }
  return "rest " + method + " " + path;
}

}  // namespace

RestClient::RestClient(const RestConfig& config)
    : config_(config), pacer_(make_pacer(config.requests_per_second)) {}

bool RestClient::has_token_auth() const {
  return config_.auth == RestAuth::session || config_.auth == RestAuth::oauth2_client_credentials ||
         config_.auth == RestAuth::oauth2_password;
}

std::string RestClient::api_message(const net::HttpResponse& res) const {
  auto v = parse_json(res.body);
  if (v) {
    if (!config_.error_pointer.empty()) {
      if (const Value* m = json_pointer(*v, config_.error_pointer); m && !m->is_null()) {
        return m->is_string() ? m->as_string() : to_json(*m);
      }
    }
    if (v->is_object()) {
      for (const char* key : {"message", "error_description", "error", "errors", "detail"}) {
        const Value* m = v->find(key);
        if (m && !m->is_null()) return m->is_string() ? m->as_string() : to_json(*m);
      }
    }
  }
  std::string text = res.body.substr(0, 300);
  return text.empty() ? "(no body)" : text;
}

Error RestClient::login_refused(const net::HttpResponse& res, const std::string& what) const {
  Error e = net::http_status_error(res, what);
  // A refused login or token grant is the credentials (auth), not the record
  // or the call.
  if (e.kind == ErrorKind::rejected || e.kind == ErrorKind::fatal) e.kind = ErrorKind::auth;
  e.message = what + ": HTTP " + std::to_string(res.status) + ": " + api_message(res);
  return e;
}

Result<net::HttpResponse> RestClient::send(net::HttpClientRequest req) {
  pacer_.wait_turn();
  req.timeout_secs = config_.timeout_secs;
  req.verify_tls = config_.verify_tls;
  ++calls_;
  return http_.send(req);
}

Status RestClient::login() {
  std::string password = config_.password;
  if (config_.password_transform == "md5") password = md5_hex(password);
  auto json_text = [](const std::string& s) {
    std::string out;
    append_json_string(s, out);
    return out.substr(1, out.size() - 2);  // inside the template's quotes
  };
  std::string body =
      replace_placeholder(config_.login_body, "username", json_text(config_.username));
  body = replace_placeholder(std::move(body), "password", json_text(password));
  net::HttpClientRequest req;
  req.method = "POST";
  req.url = resolve_url(config_.base_url, config_.login_path);
  req.headers.emplace("Content-Type", "application/json");
  req.headers.emplace("Accept", "application/json");
  for (const auto& [k, v] : config_.headers) req.headers.emplace(k, v);
  req.body = std::move(body);
  std::string what = describe("POST", req.url) + " (login)";
  auto res = send(std::move(req));
  if (!res) return res.error().with_context(what);
  ++logins_;
  if (res->status < 200 || res->status >= 300) return login_refused(*res, what);
  auto v = parse_json(res->body);
  if (!v) return Error(ErrorKind::auth, what + ": " + v.error().message);
  const Value* t = json_pointer(*v, config_.token_pointer);
  if (t == nullptr || t->is_null() || t->to_text().empty()) {
    return Error(ErrorKind::auth, what + ": the answer has no token at " + config_.token_pointer);
  }
  token_ = t->to_text();
  register_secret(token_);
  token_expires_ = config_.session_ttl_secs > 0
                       ? Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(config_.session_ttl_secs))
                       : Clock::time_point{};
  return {};
}

Status RestClient::fetch_oauth_token() {
  auto grant = [&](bool refresh) -> Result<net::HttpResponse> {
    net::QueryBuilder form;
    if (refresh) {
      form.add("grant_type", "refresh_token").add("refresh_token", refresh_token_);
    } else if (config_.auth == RestAuth::oauth2_password) {
      form.add("grant_type", "password")
          .add("username", config_.username)
          .add("password", config_.password);
    } else {
      form.add("grant_type", "client_credentials");
    }
    form.add("client_id", config_.client_id);
    if (!config_.client_secret.empty()) form.add("client_secret", config_.client_secret);
    if (!config_.scope.empty() && !refresh) form.add("scope", config_.scope);
    net::HttpClientRequest req;
    req.method = "POST";
    req.url = resolve_url(config_.base_url, config_.token_url);
    req.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
    req.headers.emplace("Accept", "application/json");
    req.body = form.query();
    return send(std::move(req));
  };
  std::string what =
      describe("POST", resolve_url(config_.base_url, config_.token_url)) + " (token)";
  Result<net::HttpResponse> res = Error(ErrorKind::auth, "no token request");
  if (!refresh_token_.empty()) {
    res = grant(true);
    // A refused refresh token (expired, revoked) falls back to a new grant.
    if (res && res->status >= 400 && res->status < 500) res = grant(false);
  } else {
    res = grant(false);
  }
  if (!res) return res.error().with_context(what);
  ++logins_;
  if (res->status < 200 || res->status >= 300) return login_refused(*res, what);
  auto v = parse_json(res->body);
  if (!v) return Error(ErrorKind::auth, what + ": " + v.error().message);
  const Value* t = v->is_object() ? v->find("access_token") : nullptr;
  if (t == nullptr || !t->is_string() || t->as_string().empty()) {
    return Error(ErrorKind::auth, what + ": the answer has no access_token");
  }
  token_ = t->as_string();
  register_secret(token_);
  const Value* r = v->find("refresh_token");
  if (r && r->is_string() && !r->as_string().empty())
    register_secret(refresh_token_ = r->as_string());
  const Value* exp = v->find("expires_in");
  token_expires_ = Clock::time_point{};
  if (exp && exp->is_number()) {
    // Refreshed a little before it lapses (a tenth of its life, at most a
    // minute), so no call races the expiry.
    double life = std::max(0.0, std::stod(exp->to_text()));
    double secs = life - std::min(60.0, life / 10);
    token_expires_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(secs));
  }
  return {};
}

Status RestClient::ensure_token() {
  if (!has_token_auth()) return {};
  bool expired = token_expires_ != Clock::time_point{} && Clock::now() >= token_expires_;
  if (!token_.empty() && !expired) return {};
  token_.clear();
  return config_.auth == RestAuth::session ? login() : fetch_oauth_token();
}

void RestClient::apply_auth(net::HttpClientRequest& req) const {
  switch (config_.auth) {
    case RestAuth::none:
      break;
    case RestAuth::basic:
      req.headers.emplace("Authorization",
                          "Basic " + base64_encode(config_.username + ":" + config_.password));
      break;
    case RestAuth::bearer:
      req.headers.emplace("Authorization", "Bearer " + config_.token);
      break;
    case RestAuth::api_key:
      if (config_.api_key_in == "query") {
        req.url = net::QueryBuilder().add(config_.api_key_name, config_.api_key).url(req.url);
      } else {
        req.headers.emplace(config_.api_key_name, config_.api_key);
      }
      break;
    case RestAuth::oauth2_client_credentials:
    case RestAuth::oauth2_password:
    case RestAuth::session:
      req.headers.emplace(config_.token_header,
                          replace_placeholder(config_.token_template, "token", token_));
      break;
  }
}

Error RestClient::scrub(Error e) const {
  std::vector<std::string> secrets = {config_.password,      config_.token, config_.api_key,
                                      config_.client_secret, token_,        refresh_token_};
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
  token_.clear();
  if (Status s = ensure_token(); !s) return scrub(s.error());
  return {};
}

Result<RestClient::Answer> RestClient::call(const std::string& method, const std::string& url,
                                            const std::string& body) {
  auto a = call_with_retries(method, url, body);
  if (!a) return scrub(a.error());
  return a;
}

Result<RestClient::Answer> RestClient::call_with_retries(const std::string& method,
                                                         const std::string& url,
                                                         const std::string& body) {
  bool repeatable = method != "POST";
  bool relogged = false;
  std::string full = resolve_url(config_.base_url, url);
  std::string what = describe(method, full);
  last_status_ = 0;
  for (int64_t attempt = 1;; ++attempt) {
    if (Status s = ensure_token(); !s) return s.error().with_context(what);
    net::HttpClientRequest req;
    req.method = method;
    req.url = full;
    req.headers.emplace("Accept", "application/json");
    if (!body.empty()) req.headers.emplace("Content-Type", "application/json");
    for (const auto& [k, v] : config_.headers) req.headers.emplace(k, v);
    apply_auth(req);
    req.body = body;
    auto res = send(std::move(req));
    if (!res) {
      if (res.error().kind == ErrorKind::retryable && repeatable &&
          attempt < config_.max_attempts) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
        continue;
      }
      return res.error().with_context(what);
    }
    int status = res->status;
    last_status_ = status;
    if (status == 401 && has_token_auth() && !relogged) {
      relogged = true;  // the session or token lapsed: one fresh one, one more try
      token_.clear();
      --attempt;
      continue;
    }
    if (status == 429) {
      double wait = 1;
      if (auto ra = res->header("Retry-After")) {
        if (auto s = net::parse_retry_after(*ra, std::chrono::system_clock::now())) wait = *s;
      }
      // Long waits (a spent daily quota) are the engine's to schedule.
      if (attempt < config_.max_attempts && wait <= 60) {
        pacer_.hold_for(wait);
        continue;
      }
      Error e(ErrorKind::retryable, what + ": HTTP 429 after " + std::to_string(attempt) +
                                        " attempts: " + api_message(*res));
      e.retry_after_secs = wait;
      return e;
    }
    if (status >= 500 && repeatable && attempt < config_.max_attempts) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250 * attempt));
      continue;
    }
    if (status < 200 || status >= 300) {
      Error e = net::http_status_error(*res, what);
      e.message = what + ": HTTP " + std::to_string(status) + ": " + api_message(*res);
      return e;
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
}

}  // namespace crmsync
