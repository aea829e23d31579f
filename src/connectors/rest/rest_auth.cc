#include "connectors/rest/rest_auth.h"

#include <algorithm>

#include "connectors/rest/rest_text.h"
#include "core/json.h"
#include "core/redact.h"
#include "net/http_session.h"
#include "net/http_status.h"
#include "net/url.h"

namespace crmsync {

namespace {

// A refused login or token grant is the credentials (auth), not the record
// or the call.
Error refused(const RestConfig& config, const net::HttpResponse& res, const std::string& what) {
  return Error(ErrorKind::auth, what + ": HTTP " + std::to_string(res.status) + ": " +
                                    rest_api_message(config, res.body));
}

}  // namespace

std::string rest_api_message(const RestConfig& config, const std::string& body) {
  auto v = parse_json(body);
  if (v) {
    if (!config.error_pointer.empty()) {
      if (const Value* m = json_pointer(*v, config.error_pointer); m && !m->is_null()) {
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
  std::string text = body.substr(0, 300);
  return text.empty() ? "(no body)" : text;
}

bool RestAuthProvider::renewable() const {
  return config_.auth == RestAuth::session || config_.auth == RestAuth::oauth2_client_credentials ||
         config_.auth == RestAuth::oauth2_password;
}

Result<net::Credentials> RestAuthProvider::login(net::HttpSession& session) {
  return config_.auth == RestAuth::session ? session_login(session) : oauth_token(session);
}

Result<net::Credentials> RestAuthProvider::session_login(net::HttpSession& session) {
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
  net::SessionRequest req;
  req.method = "POST";
  req.url = resolve_url(config_.base_url, config_.login_path);
  req.authenticated = false;
  req.idempotent = true;  // a login creates nothing a resend could double
  req.headers.emplace("Content-Type", "application/json");
  req.headers.emplace("Accept", "application/json");
  for (const auto& [k, v] : config_.headers) req.headers.emplace(k, v);
  req.body = std::move(body);
  std::string what = "rest POST " + net::path_of(req.url) + " (login)";
  auto res = session.send(req);
  if (!res) return res.error().with_context("login");
  if (res->status < 200 || res->status >= 300) return refused(config_, *res, what);
  auto v = parse_json(res->body);
  if (!v) return Error(ErrorKind::auth, what + ": " + v.error().message);
  const Value* t = json_pointer(*v, config_.token_pointer);
  if (t == nullptr || t->is_null() || t->to_text().empty()) {
    return Error(ErrorKind::auth, what + ": the answer has no token at " + config_.token_pointer);
  }
  token_ = t->to_text();
  register_secret(token_);
  net::Credentials c;
  c.token = token_;
  if (config_.session_ttl_secs > 0) c.expires_in_secs = config_.session_ttl_secs;
  return c;
}

Result<net::Credentials> RestAuthProvider::oauth_token(net::HttpSession& session) {
  std::string url = resolve_url(config_.base_url, config_.token_url);
  auto grant = [&](bool refresh) {
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
    net::SessionRequest req;
    req.method = "POST";
    req.url = url;
    req.authenticated = false;
    req.idempotent = true;  // a token grant changes nothing a resend could double
    req.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
    req.headers.emplace("Accept", "application/json");
    req.body = form.query();
    return session.send(req);
  };
  std::string what = "rest POST " + net::path_of(url) + " (token)";
  Result<net::HttpResponse> res = Error(ErrorKind::auth, "no token request");
  if (!refresh_token_.empty()) {
    res = grant(true);
    // A refused refresh token (expired, revoked) falls back to a new grant.
    if (res && res->status >= 400 && res->status < 500) res = grant(false);
  } else {
    res = grant(false);
  }
  if (!res) return res.error().with_context("token");
  if (res->status < 200 || res->status >= 300) return refused(config_, *res, what);
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
  net::Credentials c;
  c.token = token_;
  if (const Value* exp = v->find("expires_in"); exp && exp->is_number()) {
    // Renewed a little before it lapses (a tenth of its life, at most a
    // minute), so no call races the expiry.
    double life = std::max(0.0, std::stod(exp->to_text()));
    // A token that lapses at once (expires_in: 0) gets a lifetime under a
    // microsecond: the session renews it before the next call (0 would mean
    // "unknown").
    c.expires_in_secs = std::max(1e-9, life - std::min(60.0, life / 10));
  }
  return c;
}

void RestAuthProvider::apply(const net::Credentials& credentials,
                             net::HttpClientRequest& req) const {
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
                          replace_placeholder(config_.token_template, "token", credentials.token));
      break;
  }
}

}  // namespace crmsync
