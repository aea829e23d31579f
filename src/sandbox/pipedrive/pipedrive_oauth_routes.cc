// OAuth as oauth.pipedrive.com does it, on the sandbox's own port:
// GET /oauth/authorize shows a consent page for the sandbox's one app,
// POST /oauth/authorize (the page's form) redirects to redirect_uri with a
// code and the state, POST /oauth/token (HTTP basic client credentials, a
// form body) exchanges a code or a refresh token for a 60-minute access
// token; POST /oauth/revoke revokes a refresh token. Error texts are those
// Pipedrive documents for /oauth/token.
#include <map>

#include "core/json.h"
#include "net/url.h"
#include "sandbox/common/html_text.h"
#include "sandbox/common/json_object.h"
#include "sandbox/pipedrive/pipedrive_context.h"
#include "sandbox/pipedrive/pipedrive_envelope.h"

namespace crmsync::sandbox::pipedrive {

namespace {
constexpr const char* kScope =
    "base,deals:full,activities:full,contacts:full,products:full,search:read,users:read,"
    "webhooks:full,admin";

std::map<std::string, std::string> parse_form(const std::string& body) {
  std::map<std::string, std::string> out;
  size_t at = 0;
  while (at <= body.size()) {
    size_t amp = body.find('&', at);
    if (amp == std::string::npos) amp = body.size();
    std::string pair = body.substr(at, amp - at);
    size_t eq = pair.find('=');
    if (!pair.empty())
      out[net::url_decode(pair.substr(0, eq))] =
          eq == std::string::npos ? "" : net::url_decode(pair.substr(eq + 1));
    at = amp + 1;
  }
  return out;
}

bool http_uri(const std::string& uri) {
  return uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0;
}

void page(net::HttpResponse& res, int status, const std::string& title, const std::string& body) {
  res.status = status;
  res.content_type = "text/html; charset=utf-8";
  res.body = "<!doctype html><html><head><title>" + html_escape(title) +
             "</title></head><body><h1>" + html_escape(title) + "</h1>" + body + "</body></html>";
}

// The token endpoint's errors: 400 with the documented message.
void token_error(net::HttpResponse& res, const std::string& code, const std::string& message) {
  res.status = 400;
  res.body = to_json(Value(Object{{"success", false}, {"message", message}, {"error", code}}));
}

// Checks the app and the redirect URI; answers an error page when wrong.
bool check_app(Context& ctx, const std::string& client_id, const std::string& redirect_uri,
               net::HttpResponse& res) {
  if (client_id != ctx.options.oauth_client_id) {
    page(res, 400, "Invalid client", "<p>Invalid client: client is invalid</p>");
    return false;
  }
  if (!http_uri(redirect_uri)) {
    page(res, 400, "Invalid request", "<p>Invalid request: redirect_uri is not a valid URI</p>");
    return false;
  }
  return true;
}

void authorize_page(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  std::string client_id = req.query_param("client_id").value_or("");
  std::string redirect_uri = req.query_param("redirect_uri").value_or("");
  std::string state = req.query_param("state").value_or("");
  if (!check_app(ctx, client_id, redirect_uri, res)) return;
  auto hidden = [](const char* name, const std::string& value) {
    return std::string("<input type=\"hidden\" name=\"") + name + "\" value=\"" +
           html_escape(value) + "\">";
  };
  page(res, 200, "Allow access to your Pipedrive sandbox",
       "<p>The app <b>" + html_escape(client_id) + "</b> asks for: " + kScope +
           "</p><form method=\"post\" action=\"/oauth/authorize\">" +
           hidden("client_id", client_id) + hidden("redirect_uri", redirect_uri) +
           hidden("state", state) +
           "<button name=\"decision\" value=\"allow\">Allow and install</button> "
           "<button name=\"decision\" value=\"deny\">Cancel</button></form>");
}

void authorize_consent(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto form = parse_form(req.body);
  std::string redirect_uri = form["redirect_uri"];
  if (!check_app(ctx, form["client_id"], redirect_uri, res)) return;
  net::QueryBuilder q;
  if (form["decision"] == "allow") {
    q.add("code", ctx.oauth.issue_code(redirect_uri));
  } else {
    q.add("error", "user_denied");
  }
  if (!form["state"].empty()) q.add("state", form["state"]);
  res.status = 302;
  res.headers.emplace("Location", q.url(redirect_uri));
}

// The app's client credentials (HTTP basic, or in the form) are the
// sandbox's app; else answers the documented error and returns false.
bool client_ok(Context& ctx, const net::HttpRequest& req, std::map<std::string, std::string>& form,
               net::HttpResponse& res) {
  auto type = req.header("content-type").value_or("");
  if (type.rfind("application/x-www-form-urlencoded", 0) != 0) {
    token_error(res, "invalid_request",
                "Invalid request: content must be application/x-www-form-urlencoded");
    return false;
  }
  std::string id, secret;
  auto auth = req.header("authorization");
  std::string decoded;
  if (auth && auth->rfind("Basic ", 0) == 0 && base64_decode(auth->substr(6), decoded)) {
    size_t colon = decoded.find(':');
    if (colon != std::string::npos) {
      id = decoded.substr(0, colon);
      secret = decoded.substr(colon + 1);
    }
  }
  form = parse_form(req.body);
  // Some clients send the credentials in the form instead.
  if (id.empty() && form.count("client_id")) id = form["client_id"];
  if (secret.empty() && form.count("client_secret")) secret = form["client_secret"];
  if (id.empty() || secret.empty()) {
    token_error(res, "invalid_client", "Invalid client: cannot retrieve client credentials");
    return false;
  }
  if (id != ctx.options.oauth_client_id || secret != ctx.options.oauth_client_secret) {
    token_error(res, "invalid_client", "Invalid client: client is invalid");
    return false;
  }
  return true;
}

void token(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  std::map<std::string, std::string> form;
  if (!client_ok(ctx, req, form, res)) return;
  const std::string& grant = form["grant_type"];
  Result<OAuthTokens::Grant> issued = Error(ErrorKind::rejected, "");
  if (grant.empty()) {
    return token_error(res, "invalid_request", "Missing parameter: grant_type");
  } else if (grant == "authorization_code") {
    if (!http_uri(form["redirect_uri"]))
      return token_error(res, "invalid_request",
                         "Invalid request: redirect_uri is not a valid URI");
    issued = ctx.oauth.exchange_code(form["code"], form["redirect_uri"]);
  } else if (grant == "refresh_token") {
    issued = ctx.oauth.refresh(form["refresh_token"]);
  } else {
    return token_error(res, "unsupported_grant_type",
                       "Unsupported grant type: grant_type is invalid");
  }
  if (!issued.ok()) {
    const std::string& m = issued.error().message;
    return token_error(res, m.rfind("Invalid grant", 0) == 0 ? "invalid_grant" : "invalid_request",
                       m);
  }
  res.body = to_json(Value(Object{
      {"access_token", issued->access_token},
      {"token_type", "Bearer"},
      {"expires_in", issued->expires_in},
      {"refresh_token", issued->refresh_token},
      {"scope", kScope},
      {"api_domain", "http://" + ctx.options.host + ":" + std::to_string(ctx.server.port())}}));
}

// POST /oauth/revoke (RFC 7009, as Pipedrive documents it): the refresh
// token stops working. 200 also for a token that was not one (the RFC's
// rule: the client cannot tell, and need not).
void revoke(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  std::map<std::string, std::string> form;
  if (!client_ok(ctx, req, form, res)) return;
  if (form["token"].empty()) return token_error(res, "invalid_request", "Missing parameter: token");
  ctx.oauth.revoke(form["token"]);
  res.body = "{}";
}

// A refresh token without the browser: what a user who installed the app
// would have (admin, never limited).
void admin_grant(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  res.body = to_json(Value(Object{{"refresh_token", ctx.oauth.issue_refresh_token()}}));
}
}  // namespace

void register_oauth_routes(Context& ctx) {
  auto bind = [&ctx](RouteFn fn) { return bind_route(ctx, fn); };
  auto& s = ctx.server;
  s.on("GET", "/oauth/authorize", bind(authorize_page));
  s.on("POST", "/oauth/authorize", bind(authorize_consent));
  s.on("POST", "/oauth/token", bind(token));
  s.on("POST", "/oauth/revoke", bind(revoke));
  s.on("POST", "/__admin/oauth/refresh_token", bind(admin_grant));
}

}  // namespace crmsync::sandbox::pipedrive
