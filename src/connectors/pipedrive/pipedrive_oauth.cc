#include "connectors/pipedrive/pipedrive_oauth.h"

#include "core/json.h"
#include "core/redact.h"
#include "net/url.h"

namespace crmsync {

namespace {
std::string base64(std::string_view in) {
  static constexpr char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) |
                 static_cast<uint8_t>(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kTable[(n >> shift) & 63]);
  }
  if (i < in.size()) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    out.push_back(kTable[(n >> 18) & 63]);
    out.push_back(kTable[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kTable[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}
}  // namespace

PipedriveOAuth::PipedriveOAuth(const PipedriveConfig& config)
    : config_(config), refresh_token_(config.oauth_refresh_token) {}

Result<PipedriveOAuth::Token> PipedriveOAuth::current() {
  std::lock_guard lock(mu_);
  if (token_.generation == 0)
    if (auto s = fetch_locked(); !s) return s.error();
  return token_;
}

Result<PipedriveOAuth::Token> PipedriveOAuth::renew(uint64_t stale) {
  std::lock_guard lock(mu_);
  if (token_.generation == stale)
    if (auto s = fetch_locked(); !s) return s.error();
  return token_;
}

int64_t PipedriveOAuth::refreshes() const {
  std::lock_guard lock(mu_);
  return refreshes_;
}

Status PipedriveOAuth::fetch_locked() {
  const std::string what = "pipedrive oauth: refreshing the access token at " + config_.oauth_url;
  net::HttpClientRequest req;
  req.method = "POST";
  req.url = config_.oauth_url + "/oauth/token";
  req.headers.emplace("Authorization", "Basic " + base64(config_.oauth_client_id + ":" +
                                                         config_.oauth_client_secret));
  req.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
  req.headers.emplace("Accept", "application/json");
  req.body = net::QueryBuilder()
                 .add("grant_type", "refresh_token")
                 .add("refresh_token", refresh_token_)
                 .query();
  req.timeout_secs = config_.timeout_secs;
  req.verify_tls = config_.verify_tls;
  ++refreshes_;
  auto res = http_.send(req);
  if (!res) return res.error().with_context(what);
  auto v = parse_json(res->body);
  if (res->status != 200) {
    // 400 invalid_grant / invalid_client: the grant or the app is wrong,
    // which no retry fixes; 5xx and 429 may pass.
    std::string text;
    if (v && v->is_object()) {
      for (const char* key : {"message", "error_description", "error"}) {
        const Value* m = v->find(key);
        if (m && m->is_string() && !m->as_string().empty()) {
          text = m->as_string();
          break;
        }
      }
    }
    if (text.empty()) text = res->body.substr(0, 200);
    ErrorKind kind =
        res->status >= 500 || res->status == 429 ? ErrorKind::retryable : ErrorKind::auth;
    return Error(kind, what + ": HTTP " + std::to_string(res->status) + ": " + text);
  }
  if (!v) return Error(ErrorKind::retryable, what + ": " + v.error().message);
  const Value* access = v->is_object() ? v->find("access_token") : nullptr;
  if (access == nullptr || !access->is_string() || access->as_string().empty())
    return Error(ErrorKind::retryable, what + ": the answer has no access_token");
  token_.access_token = access->as_string();
  register_secret(token_.access_token);
  const Value* domain = v->find("api_domain");
  token_.api_domain = domain && domain->is_string() ? domain->as_string() : "";
  while (!token_.api_domain.empty() && token_.api_domain.back() == '/')
    token_.api_domain.pop_back();
  // Pipedrive may hand out a new refresh token; the old one then stops working.
  if (const Value* r = v->find("refresh_token"); r && r->is_string() && !r->as_string().empty())
    register_secret(refresh_token_ = r->as_string());
  ++token_.generation;
  return {};
}

}  // namespace crmsync
