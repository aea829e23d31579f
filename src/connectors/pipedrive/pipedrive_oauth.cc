#include "connectors/pipedrive/pipedrive_oauth.h"

#include "core/base64.h"
#include "core/json.h"
#include "core/redact.h"
#include "net/http_session.h"
#include "net/url.h"

namespace crmsync {

PipedriveOAuth::PipedriveOAuth(const PipedriveConfig& config)
    : config_(config), refresh_token_(config.oauth_refresh_token) {}

void PipedriveOAuth::apply(const net::Credentials& credentials,
                           net::HttpClientRequest& request) const {
  request.headers.emplace("Authorization", "Bearer " + credentials.token);
}

Result<net::Credentials> PipedriveOAuth::login(net::HttpSession& session) {
  const std::string what = "pipedrive oauth: refreshing the access token at " + config_.oauth_url;
  if (refresh_token_.empty()) {
    return Error(ErrorKind::auth,
                 "pipedrive: auth: web_server has no stored token yet: Connect it on the "
                 "dashboard's Connections page, or run `crmsync connect " +
                     config_.connection + "`");
  }
  net::SessionRequest req;
  req.method = "POST";
  req.url = config_.oauth_url + "/oauth/token";
  req.authenticated = false;
  req.idempotent = true;  // a grant creates no record; a lost answer is just asked again
  req.headers.emplace("Authorization", "Basic " + base64_encode(config_.oauth_client_id + ":" +
                                                                config_.oauth_client_secret));
  req.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
  req.headers.emplace("Accept", "application/json");
  req.body = net::QueryBuilder()
                 .add("grant_type", "refresh_token")
                 .add("refresh_token", refresh_token_)
                 .query();
  auto res = session.send(req);
  if (!res) return res.error().with_context(what);
  auto v = parse_json(res->body);
  if (res->status != 200) {
    // 400 invalid_grant / invalid_client: the grant or the app is wrong,
    // which no retry fixes.
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
    return Error(ErrorKind::auth, what + ": HTTP " + std::to_string(res->status) + ": " + text);
  }
  if (!v) return Error(ErrorKind::retryable, what + ": " + v.error().message);
  const Value* access = v->is_object() ? v->find("access_token") : nullptr;
  if (access == nullptr || !access->is_string() || access->as_string().empty())
    return Error(ErrorKind::retryable, what + ": the answer has no access_token");
  net::Credentials c;
  c.token = access->as_string();
  register_secret(c.token);
  const Value* domain = v->find("api_domain");
  c.base_url = domain && domain->is_string() ? domain->as_string() : "";
  while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
  // Pipedrive may hand out a new refresh token; the old one then stops working.
  if (const Value* r = v->find("refresh_token"); r && r->is_string() && !r->as_string().empty())
    register_secret(refresh_token_ = r->as_string());
  return c;
}

}  // namespace crmsync
