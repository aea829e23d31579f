// The OAuth 2.0 web-server flow: /services/oauth2/authorize shows a login
// page; a right login redirects to the client's redirect_uri with a
// single-use code, which the token endpoint exchanges (client secret,
// redirect_uri and PKCE checked) for an access and a refresh token.
#include "core/base64.h"
#include "net/crypto.h"
#include "net/url.h"
#include "sandbox/common/html_text.h"
#include "sandbox/salesforce/oauth.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

// The request parameters the login form carries through the POST.
constexpr const char* kCarried[] = {"response_type", "client_id",      "redirect_uri",
                                    "state",         "code_challenge", "code_challenge_method",
                                    "scope"};

void html_page(net::HttpResponse& res, int status, const std::string& body) {
  res.status = status;
  res.content_type = "text/html;charset=UTF-8";
  res.body =
      "<!DOCTYPE html><html><head><meta charset=\"UTF-8\"><title>Login | Salesforce"
      "</title></head><body>" +
      body + "</body></html>";
}

void login_page(net::HttpResponse& res, std::map<std::string, std::string>& params,
                const std::string& error) {
  std::string body = "<h1>crmsync Salesforce sandbox</h1>";
  if (!error.empty())
    body += "<div id=\"error\" class=\"loginError\">" + html_escape(error) + "</div>";
  body +=
      "<form id=\"login_form\" name=\"login\" method=\"POST\" "
      "action=\"/services/oauth2/authorize\">";
  for (const char* name : kCarried) {
    if (!params.count(name)) continue;
    body += "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" +
            html_escape(params[name]) + "\">";
  }
  body +=
      "<label for=\"username\">Username</label><input type=\"email\" id=\"username\" "
      "name=\"username\" value=\"" +
      html_escape(params["username"]) +
      "\">"
      "<label for=\"password\">Password</label><input type=\"password\" id=\"password\" "
      "name=\"pw\"><input type=\"submit\" id=\"Login\" name=\"Login\" value=\"Log In\">"
      "</form>";
  html_page(res, 200, body);
}

// A 302 to the client's redirect_uri with `query` added.
void redirect(net::HttpResponse& res, const std::string& to, const net::QueryBuilder& query) {
  res.status = 302;
  res.headers.emplace("Location", query.url(to));
  res.content_type = "text/html;charset=UTF-8";
  res.body.clear();
}

// What both GET and POST check before anything else. False when it has
// answered (an error page or an error redirect).
bool request_ok(SandboxState& s, net::HttpResponse& res,
                std::map<std::string, std::string>& params) {
  // Without a known client the redirect_uri cannot be trusted: the error
  // shows as a page, as Salesforce shows it.
  if (params["client_id"] != s.options.client_id) {
    html_page(res, 400,
              "<p id=\"error\">error=invalid_client_id&amp;error_description=client "
              "identifier invalid</p>");
    return false;
  }
  const std::string& uri = params["redirect_uri"];
  if (uri.rfind("http://", 0) != 0 && uri.rfind("https://", 0) != 0) {
    html_page(res, 400,
              "<p id=\"error\">error=redirect_uri_mismatch&amp;error_description="
              "redirect_uri must match configuration</p>");
    return false;
  }
  net::QueryBuilder q;
  if (params["response_type"] != "code") {
    q.add("error", "unsupported_response_type")
        .add("error_description", "response type not supported");
  } else if (params.count("code_challenge_method") && params["code_challenge_method"] != "S256") {
    q.add("error", "invalid_request").add("error_description", "unsupported code_challenge_method");
  } else {
    return true;
  }
  if (params.count("state")) q.add("state", params["state"]);
  redirect(res, uri, q);
  return false;
}

void authorize_get(SandboxState& s, Call& c) {
  std::map<std::string, std::string> params;
  for (const auto& [k, v] : c.req.query) params.emplace(k, v);
  if (!request_ok(s, c.res, params)) return;
  login_page(c.res, params, "");
}

void authorize_post(SandboxState& s, Call& c) {
  auto params = parse_form(c.req.body);
  if (!request_ok(s, c.res, params)) return;
  if (params["username"] != s.options.username || params["pw"] != s.options.password) {
    return login_page(c.res, params,
                      "Please check your username and password. If you still can't log in, "
                      "contact your Salesforce administrator.");
  }
  Sessions::AuthCode grant;
  grant.user_id = s.user_id;
  grant.client_id = params["client_id"];
  grant.redirect_uri = params["redirect_uri"];
  grant.code_challenge = params["code_challenge"];
  std::string code = s.sessions->issue_code(std::move(grant));
  net::QueryBuilder q;
  q.add("code", code);
  if (params.count("state")) q.add("state", params["state"]);
  redirect(c.res, params["redirect_uri"], q);
}

}  // namespace

void authorization_code_grant(SandboxState& s, Call& c, std::map<std::string, std::string>& form) {
  if (form["client_id"] != s.options.client_id) {
    return oauth_error(c.res, 400, "invalid_client_id", "client identifier invalid");
  }
  // The code is spent by this request whatever its outcome, so a leaked
  // code cannot be tried twice.
  auto grant = s.sessions->take_code(form["code"]);
  if (!grant) return oauth_error(c.res, 400, "invalid_grant", "invalid authorization code");
  if (s.now() - grant->issued_micros >= s.options.auth_code_lifetime_secs * 1000000) {
    return oauth_error(c.res, 400, "invalid_grant", "expired authorization code");
  }
  if (grant->client_id != form["client_id"]) {
    return oauth_error(c.res, 400, "invalid_grant", "invalid authorization code");
  }
  // The connected app requires its secret in the web-server flow (the
  // default "Require Secret for Web Server Flow"), PKCE or not.
  if (form["client_secret"] != s.options.client_secret) {
    return oauth_error(c.res, 400, "invalid_client", "invalid client credentials");
  }
  if (form["redirect_uri"] != grant->redirect_uri) {
    return oauth_error(c.res, 400, "invalid_grant", "redirect_uri mismatch");
  }
  if (!grant->code_challenge.empty()) {
    std::string expect = base64_encode(net::sha256(form["code_verifier"]), true);
    if (!form.count("code_verifier") || expect != grant->code_challenge) {
      return oauth_error(c.res, 400, "invalid_grant", "invalid code verifier");
    }
  }
  token_answer(s, c.res, grant->user_id, true);
}

void add_authorize_routes(SandboxState& s) {
  using A = Router::Access;
  s.router.add("GET", "/services/oauth2/authorize", "oauth.authorize", A::open,
               [&s](Call& c) { authorize_get(s, c); });
  s.router.add("POST", "/services/oauth2/authorize", "oauth.authorize", A::open,
               [&s](Call& c) { authorize_post(s, c); });
}

}  // namespace crmsync::sandbox::salesforce
