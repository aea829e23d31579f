// Login: the OAuth token endpoint (password, refresh_token, client_credentials;
// JWT bearer and authorization_code in oauth_jwt.cc / oauth_code.cc), SOAP
// login/logout, revoke and identity.
#include <cctype>

#include "core/json.h"
#include "sandbox/salesforce/oauth.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {

void oauth_error(net::HttpResponse& res, int status, const char* error, const char* description) {
  std::string body = "{\"error\":\"";
  body += error;
  body += "\",\"error_description\":\"";
  body += description;
  body += "\"}";
  answer_json(res, status, std::move(body));
}

namespace {

std::string identity_url(const SandboxState& s) {
  return s.instance_url + "/id/" + s.org_id + "/" + s.user_id;
}

}  // namespace

void token_answer(SandboxState& s, net::HttpResponse& res, const std::string& user,
                  bool with_refresh) {
  std::string token = s.sessions->issue(user);
  std::string issued = std::to_string(s.now() / 1000);
  std::string id = s.instance_url + "/id/" + s.org_id + "/" + user;
  std::string body = "{\"access_token\":";
  append_json_string(token, body);
  if (with_refresh) {
    body += ",\"refresh_token\":";
    append_json_string(s.sessions->issue_refresh(user), body);
  }
  body += ",\"instance_url\":";
  append_json_string(s.instance_url, body);
  body += ",\"id\":";
  append_json_string(id, body);
  body += ",\"token_type\":\"Bearer\",\"issued_at\":\"" + issued + "\"";
  // Real Salesforce signs id+issued_at with the client secret (HMAC-SHA256);
  // clients do not check it, so the sandbox sends an opaque value of that form.
  body += ",\"signature\":";
  append_json_string(base64(id + issued), body);
  body += ",\"scope\":\"api refresh_token\"}";
  answer_json(res, 200, std::move(body));
}

namespace {

std::string xml_unescape(std::string s) {
  static const std::pair<const char*, const char*> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (auto [from, to] : kEntities) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) {
      s.replace(at, std::string_view(from).size(), to);
    }
  }
  return s;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

// Where `name` ends in a tag name starting at `at` ("name" or "prefix:name"),
// or npos when the tag has another name.
size_t tag_name_end(const std::string& body, size_t at, const std::string& name) {
  size_t word = at;
  while (word < body.size() &&
         (std::isalnum(static_cast<unsigned char>(body[word])) || body[word] == '_'))
    ++word;
  size_t start = word > at && word < body.size() && body[word] == ':' ? word + 1 : at;
  if (body.compare(start, name.size(), name) != 0) return std::string::npos;
  return start + name.size();
}

// The text of the first <name> or <prefix:name> element (attributes
// allowed), up to the first closing tag of that name.
std::optional<std::string> xml_element(const std::string& body, const std::string& name) {
  for (size_t open = body.find('<'); open != std::string::npos; open = body.find('<', open + 1)) {
    size_t end = tag_name_end(body, open + 1, name);
    if (end == std::string::npos || end >= body.size()) continue;
    if (body[end] != '>' && !std::isspace(static_cast<unsigned char>(body[end]))) continue;
    size_t content = body.find('>', end);
    if (content == std::string::npos) return std::nullopt;
    ++content;
    for (size_t close = body.find("</", content); close != std::string::npos;
         close = body.find("</", close + 2)) {
      size_t close_end = tag_name_end(body, close + 2, name);
      if (close_end < body.size() && body[close_end] == '>')
        return xml_unescape(body.substr(content, close - content));
    }
    return std::nullopt;
  }
  return std::nullopt;
}

constexpr const char* kSoapOpen =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope "
    "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
    "xmlns=\"urn:partner.soap.sforce.com\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>";
constexpr const char* kSoapClose = "</soapenv:Body></soapenv:Envelope>";

void soap_fault(net::HttpResponse& res, const std::string& code, const std::string& text) {
  res.status = 500;
  res.content_type = "text/xml;charset=UTF-8";
  res.body = std::string(kSoapOpen) + "<soapenv:Fault><faultcode>sf:" + code +
             "</faultcode><faultstring>" + xml_escape(text) + "</faultstring></soapenv:Fault>" +
             kSoapClose;
}

void soap(SandboxState& s, Call& c) {
  const std::string& body = c.req.body;
  const std::string& version = c.m[1];
  if (body.find("logout") != std::string::npos && body.find("<login") == std::string::npos) {
    auto session = xml_element(body, "sessionId");
    if (session) s.sessions->revoke(*session);
    c.res.status = 200;
    c.res.content_type = "text/xml;charset=UTF-8";
    c.res.body = std::string(kSoapOpen) + "<logoutResponse/>" + kSoapClose;
    return;
  }
  auto user = xml_element(body, "username");
  auto pass = xml_element(body, "password");
  if (!user || !pass) {
    soap_fault(c.res, "INVALID_LOGIN",
               "INVALID_LOGIN: Invalid username, password, security token; or user locked out.");
    return;
  }
  if (*user != s.options.username || *pass != s.options.password) {
    soap_fault(c.res, "INVALID_LOGIN",
               "INVALID_LOGIN: Invalid username, password, security token; or user locked out.");
    return;
  }
  std::string token = s.sessions->issue(s.user_id);
  std::string server =
      s.instance_url + "/services/Soap/u/" + version + "/" + s.org_id.substr(0, 15);
  c.res.status = 200;
  c.res.content_type = "text/xml;charset=UTF-8";
  c.res.body = std::string(kSoapOpen) + "<loginResponse><result><metadataServerUrl>" +
               s.instance_url + "/services/Soap/m/" + version + "/" + s.org_id.substr(0, 15) +
               "</metadataServerUrl><passwordExpired>false</passwordExpired><sandbox>true</sandbox>"
               "<serverUrl>" +
               server + "</serverUrl><sessionId>" + xml_escape(token) + "</sessionId><userId>" +
               s.user_id + "</userId><userInfo><organizationId>" + s.org_id +
               "</organizationId><organizationName>crmsync sandbox</organizationName>"
               "<userEmail>" +
               xml_escape(s.options.username) +
               "</userEmail><userFullName>Demo User"
               "</userFullName><userId>" +
               s.user_id + "</userId><userName>" + xml_escape(s.options.username) +
               "</userName></userInfo></result></loginResponse>" + kSoapClose;
}

// Client id and secret from the form or from HTTP Basic auth.
void client_credentials_of(const Call& c, std::map<std::string, std::string>& form) {
  auto auth = c.req.header("Authorization");
  if (!auth || auth->rfind("Basic ", 0) != 0) return;
  // Only the sandbox's own base64 alphabet matters here: decode by search.
  static const std::string k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string text, in = auth->substr(6);
  uint32_t buf = 0;
  int bits = 0;
  for (char ch : in) {
    size_t v = k.find(ch);
    if (v == std::string::npos) break;
    buf = (buf << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      text += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  size_t colon = text.find(':');
  if (colon == std::string::npos) return;
  form.emplace("client_id", url_decode(text.substr(0, colon)));
  form.emplace("client_secret", url_decode(text.substr(colon + 1)));
}

void token(SandboxState& s, Call& c) {
  auto form = parse_form(c.req.body);
  client_credentials_of(c, form);
  const std::string& grant = form["grant_type"];
  const SalesforceSandboxOptions& o = s.options;
  if (grant == "password") {
    if (form["client_id"] != o.client_id)
      return oauth_error(c.res, 400, "invalid_client_id", "client identifier invalid");
    if (form["client_secret"] != o.client_secret)
      return oauth_error(c.res, 400, "invalid_client", "invalid client credentials");
    if (form["username"] != o.username || form["password"] != o.password) {
      return oauth_error(c.res, 400, "invalid_grant", "authentication failure");
    }
    return token_answer(s, c.res, s.user_id, false);
  }
  if (grant == "refresh_token") {
    if (form["client_id"] != o.client_id)
      return oauth_error(c.res, 400, "invalid_client_id", "client identifier invalid");
    if (form.count("client_secret") && form["client_secret"] != o.client_secret) {
      return oauth_error(c.res, 400, "invalid_client", "invalid client credentials");
    }
    auto user = s.sessions->user_of_refresh(form["refresh_token"]);
    if (!user) return oauth_error(c.res, 400, "invalid_grant", "expired access/refresh token");
    return token_answer(s, c.res, *user, false);
  }
  if (grant == "client_credentials") {
    if (form["client_id"] != o.client_id || form["client_secret"] != o.client_secret) {
      return oauth_error(c.res, 400, "invalid_client", "invalid client credentials");
    }
    return token_answer(s, c.res, s.user_id, false);
  }
  if (grant == "urn:ietf:params:oauth:grant-type:jwt-bearer") return jwt_bearer_grant(s, c, form);
  if (grant == "authorization_code") return authorization_code_grant(s, c, form);
  if (grant.empty()) return oauth_error(c.res, 400, "invalid_request", "grant type not supported");
  oauth_error(c.res, 400, "unsupported_grant_type", "grant type not supported");
}

void identity(SandboxState& s, Call& c) {
  std::string body = "{\"id\":";
  append_json_string(identity_url(s), body);
  body += ",\"asserted_user\":true,\"user_id\":\"" + s.user_id + "\",\"organization_id\":\"" +
          s.org_id + "\",\"username\":";
  append_json_string(s.options.username, body);
  body += ",\"display_name\":\"Demo User\",\"email\":";
  append_json_string(s.options.username, body);
  body += ",\"active\":true,\"user_type\":\"STANDARD\",\"urls\":{\"rest\":\"" + s.instance_url +
          "/services/data/v{version}/\"}}";
  answer_json(c.res, 200, std::move(body));
}

}  // namespace

void add_auth_routes(SandboxState& s) {
  using A = Router::Access;
  s.router.add("POST", "/services/oauth2/token", "oauth.token", A::open,
               [&s](Call& c) { token(s, c); });
  s.router.add("POST", "/services/oauth2/revoke", "oauth.revoke", A::open, [&s](Call& c) {
    auto form = parse_form(c.req.body);
    std::string t = form.count("token") ? form["token"] : c.req.query_param("token").value_or("");
    if (!s.sessions->revoke(t))
      return oauth_error(c.res, 400, "unsupported_token_type", "this token type is not supported");
    c.res.status = 200;
    c.res.body.clear();
  });
  s.router.add("POST", "/services/Soap/u/(\\d+\\.\\d+)(?:/.*)?", "soap", A::open,
               [&s](Call& c) { soap(s, c); });
  s.router.add("GET", "/id/([^/]+)/([^/]+)", "identity", A::session,
               [&s](Call& c) { identity(s, c); });
}

}  // namespace crmsync::sandbox::salesforce
