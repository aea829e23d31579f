// The OAuth 2.0 JWT bearer grant: the connected app proves itself with an
// RS256-signed assertion instead of a secret. Checked as Salesforce checks
// it: the signature against the app's certificate, iss = consumer key,
// aud = a login URL, sub = a known user, exp not passed.
#include "core/base64.h"
#include "core/json.h"
#include "net/crypto.h"
#include "sandbox/salesforce/oauth.h"

namespace crmsync::sandbox::salesforce {
namespace {

// How far ahead exp may lie. Salesforce asks for "within 3 minutes"; a
// little clock skew on top is allowed.
constexpr int64_t kMaxExpAheadSecs = 300;

std::string text_claim(const Value& claims, const char* name) {
  const Value* v = claims.find(name);
  return v && v->is_string() ? v->as_string() : "";
}

bool audience_ok(const SandboxState& s, const Value& claims) {
  auto ok = [&](std::string aud) {
    while (!aud.empty() && aud.back() == '/') aud.pop_back();
    return aud == "https://login.salesforce.com" || aud == "https://test.salesforce.com" ||
           aud == s.instance_url;
  };
  const Value* aud = claims.find("aud");
  if (aud && aud->is_string()) return ok(aud->as_string());
  // RFC 7519 also allows an array of audiences.
  if (aud && aud->is_array()) {
    for (const Value& a : aud->as_array()) {
      if (a.is_string() && ok(a.as_string())) return true;
    }
  }
  return false;
}

}  // namespace

void jwt_bearer_grant(SandboxState& s, Call& c, std::map<std::string, std::string>& form) {
  const std::string& assertion = form["assertion"];
  size_t dot1 = assertion.find('.');
  size_t dot2 = dot1 == std::string::npos ? dot1 : assertion.find('.', dot1 + 1);
  if (dot2 == std::string::npos || assertion.find('.', dot2 + 1) != std::string::npos) {
    return oauth_error(c.res, 400, "invalid_grant", "invalid assertion");
  }
  auto header_text = base64_decode(std::string_view(assertion).substr(0, dot1));
  auto claims_text = base64_decode(std::string_view(assertion).substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = base64_decode(std::string_view(assertion).substr(dot2 + 1));
  if (!header_text || !claims_text || !signature) {
    return oauth_error(c.res, 400, "invalid_grant", "invalid assertion");
  }
  auto header = parse_json(*header_text);
  auto claims = parse_json(*claims_text);
  if (!header || !header->is_object() || !claims || !claims->is_object() ||
      text_claim(*header, "alg") != "RS256") {
    return oauth_error(c.res, 400, "invalid_grant", "invalid assertion");
  }
  if (text_claim(*claims, "iss") != s.options.client_id) {
    return oauth_error(c.res, 400, "invalid_client_id", "client identifier invalid");
  }
  if (!audience_ok(s, *claims))
    return oauth_error(c.res, 400, "invalid_grant", "audience is invalid");
  const Value* exp = claims->find("exp");
  int64_t now_secs = s.now() / 1000000;
  if (exp == nullptr || !exp->is_int()) {
    return oauth_error(c.res, 400, "invalid_grant", "invalid assertion");
  }
  if (exp->as_int() <= now_secs) {
    return oauth_error(c.res, 400, "invalid_grant", "expired authorization code");
  }
  if (exp->as_int() > now_secs + kMaxExpAheadSecs) {
    return oauth_error(c.res, 400, "invalid_grant", "invalid assertion");
  }
  if (s.options.jwt_cert_pem.empty()) {
    return oauth_error(c.res, 400, "invalid_grant", "invalid assertion");
  }
  auto verified = net::rs256_verify(s.options.jwt_cert_pem, assertion.substr(0, dot2), *signature);
  if (!verified || !*verified) return oauth_error(c.res, 400, "invalid_grant", "invalid assertion");
  if (text_claim(*claims, "sub") != s.options.username) {
    return oauth_error(c.res, 400, "invalid_grant", "user hasn't approved this consumer");
  }
  // The JWT bearer flow issues no refresh token: the client signs a new
  // assertion when the session ends.
  token_answer(s, c.res, s.user_id, false);
}

}  // namespace crmsync::sandbox::salesforce
