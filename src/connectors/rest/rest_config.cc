#include "connectors/rest/rest_config.h"

#include <algorithm>

#include "connectors/http_options.h"
#include "connectors/option_values.h"
#include "connectors/rest/rest_connection.h"
#include "connectors/rest/rest_text.h"
#include "core/redact.h"

namespace crmsync {

using T = OptionSpec::Type;

namespace {

OptionSpec opt(std::string name, T type, Value def, std::string description, std::string example,
               bool secret = false, std::vector<std::string> values = {}) {
  return OptionSpec{std::move(name),
                    type,
                    false,
                    std::move(def),
                    std::move(description),
                    std::move(example),
                    secret,
                    std::move(values)};
}

}  // namespace

const std::vector<OptionSpec>& rest_object_spec() {
  static const std::vector<OptionSpec> kSpec = [] {
    std::vector<OptionSpec> s = {
        opt("path", T::string, Value(), "list endpoint, relative to base_url", "/customers"),
        opt("records_pointer", T::string, Value(""),
            "JSON pointer to the records array in a list answer; empty = the answer is the array",
            "/data"),
        opt("id_pointer", T::string, Value("/id"), "JSON pointer to the id inside a record",
            "/code"),
        opt("query", T::object, Value(), "fixed query parameters of every list request",
            "{status: active}"),
        opt("pagination", T::enumeration, Value("none"),
            "how list pages follow each other: page numbers, offsets, a cursor in the body, the "
            "Link header (rel=next) or a next-page URL in the body",
            "cursor", false, {"none", "page", "offset", "cursor", "link_header", "next_url"}),
        opt("page_param", T::string, Value("page"), "page number parameter (page, link_header)",
            "_page"),
        opt("first_page", T::integer, Value(int64_t{1}), "number of the first page", "0"),
        opt("size_param", T::string, Value(""), "page size parameter; empty = the size is not sent",
            "per_page"),
        opt("page_size", T::integer, Value(int64_t{100}),
            "records per page; a shorter page ends page/offset pagination", "500"),
        opt("offset_param", T::string, Value("offset"), "offset parameter (offset)", "skip"),
        opt("cursor_param", T::string, Value("cursor"), "cursor parameter (cursor)", "after"),
        opt("cursor_pointer", T::string, Value("/next_cursor"),
            "JSON pointer to the next cursor in a page (cursor); null or absent = last page",
            "/meta/next"),
        opt("next_url_pointer", T::string, Value("/next"),
            "JSON pointer to the next page's URL (next_url); null or absent = last page",
            "/links/next"),
        opt("get_path", T::string, Value(""), "read by id; empty = not offered", "/customers/{id}"),
        opt("get_pointer", T::string, Value(),
            "JSON pointer to the record in a get_path answer (default: write_pointer)", ""),
        opt("create_path", T::string, Value(), "POST endpoint for new records (default: path)",
            "/customers"),
        opt("update_path", T::string, Value(),
            "endpoint for changes (default: path/{id}); empty = not offered", "/customers/{id}"),
        opt("update_method", T::enumeration, Value("PATCH"), "method of updates", "PUT", false,
            {"PATCH", "PUT", "POST"}),
        opt("delete_path", T::string, Value(),
            "DELETE endpoint (default: path/{id}); empty = not offered", "/customers/{id}"),
        opt("write_pointer", T::string, Value(""),
            "JSON pointer to the record in a create/update answer; empty = the answer is it",
            "/data"),
        opt("search", T::enumeration, Value("query"),
            "search by field: a query parameter on search_path (pages followed), a POST body, or "
            "not offered. Results are checked again in-process, so an API that ignores the "
            "parameter costs calls but never gives wrong matches",
            "body", false, {"query", "body", "none"}),
        opt("search_param", T::string, Value("{field}"),
            "query parameter name of a search; {field} is the field searched", "filter[{field}]"),
        opt("search_path", T::string, Value(), "search endpoint (default: path)",
            "/customers/search"),
        opt("search_body", T::string, Value(""),
            "JSON text POSTed by a body search; {field} is the field name, {value} its value as "
            "JSON",
            R"({"filters": [{"field": "{field}", "value": {value}}]})"),
        opt("search_records_pointer", T::string, Value(),
            "JSON pointer to the results of a search (default: records_pointer)", "/results"),
        opt("changed_since_param", T::string, Value(""),
            "query parameter that asks for records changed since the flow's cursor (incremental "
            "reads); records are also filtered in-process",
            "updated_after"),
        opt("changed_since_format", T::string, Value("iso8601"),
            "how the cursor is written in changed_since_param: iso8601, epoch_secs, epoch_millis, "
            "date, or a strftime pattern in UTC",
            "%Y-%m-%d %H:%M:%S"),
        opt("changed_field", T::string, Value(""),
            "field of a record with its change time; its text is read as a timestamp so cursors "
            "compare as instants",
            "updatedAt"),
    };
    s[0].required = true;
    return s;
  }();
  return kSpec;
}

ComponentSpec rest_spec() {
  ComponentSpec s;
  s.type = "rest";
  s.summary =
      "Any JSON REST API, its objects declared under `objects:` (list path, pagination, JSON "
      "pointers to records and ids, get/create/update/delete paths, search, changed-since "
      "parameter; keys: see the connector README). Auth: none, basic, bearer, API key, OAuth2 "
      "client credentials or password grant, or a session login (with an md5 password "
      "transform). Paced by requests_per_second; 429 waits for Retry-After; 5xx and timeouts "
      "retried; 401 logs in again once.";
  s.options = {
      opt("base_url", T::string, Value(), "API root; paths are appended to it",
          "https://api.example.com/v1"),
      opt("objects", T::object, Value(),
          "the objects, by name: {customers: {path: /customers, pagination: page, ...}}",
          "{customers: {path: /customers}}"),
      opt("auth", T::enumeration, Value("none"), "how requests are authenticated", "session", false,
          {"none", "basic", "bearer", "api_key", "oauth2_client_credentials", "oauth2_password",
           "session"}),
      opt("username", T::string, Value(""), "user (basic, oauth2_password, session)",
          "${API_USER}"),
      opt("password", T::string, Value(""), "password (basic, oauth2_password, session)",
          "${API_PASSWORD}", true),
      opt("password_transform", T::enumeration, Value("none"),
          "what the session login sends for {password}: the password, or its MD5 (lower-case "
          "hex)",
          "md5", false, {"none", "md5"}),
      opt("token", T::string, Value(""), "bearer token (bearer)", "${API_TOKEN}", true),
      opt("api_key", T::string, Value(""), "API key (api_key)", "${API_KEY}", true),
      opt("api_key_in", T::enumeration, Value("header"), "where the API key goes", "query", false,
          {"header", "query"}),
      opt("api_key_name", T::string, Value("X-API-Key"), "header or query parameter of the key",
          "api_key"),
      opt("token_url", T::string, Value(""),
          "OAuth2 token endpoint (absolute, or relative to base_url)", "/oauth/token"),
      opt("client_id", T::string, Value(""), "OAuth2 client id", "${CLIENT_ID}"),
      opt("client_secret", T::string, Value(""), "OAuth2 client secret", "${CLIENT_SECRET}", true),
      opt("scope", T::string, Value(""), "OAuth2 scope", "read write"),
      opt("login_path", T::string, Value(""), "session login endpoint (POST)", "/api/login"),
      opt("login_body", T::string, Value(R"({"username": "{username}", "password": "{password}"})"),
          "JSON POSTed to login_path; {username} and {password} are replaced (JSON-escaped)",
          R"({"UserName": "{username}", "Password": "{password}"})"),
      opt("token_pointer", T::string, Value("/token"),
          "JSON pointer to the session token in the login answer", "/Data/SessionId"),
      opt("token_header", T::string, Value("Authorization"), "header that carries the token",
          "X-Session-Id"),
      opt("token_template", T::string, Value("Bearer {token}"),
          "value of token_header; {token} is the token (OAuth2 and session)", "{token}"),
      opt("session_ttl_secs", T::number, Value(int64_t{0}),
          "log in again after this long; 0 = only when the API answers 401", "1800"),
      opt("headers", T::object, Value(), "fixed headers of every request", "{Accept-Language: fa}"),
      opt("error_pointer", T::string, Value(""),
          "JSON pointer to the API's message in an error answer (default: message, error or "
          "the body)",
          "/errors/0/detail"),
      opt("requests_per_second", T::number, Value(int64_t{0}),
          "requests are paced to stay under this rate; 0 = no pacing", "5"),
      opt("timeout_secs", T::number, Value(int64_t{30}), "per HTTP request", "60"),
      max_attempts_option(),
      opt("verify_tls", T::boolean, Value(true),
          "check the server's TLS certificate (turn off only for a local test server)", "true"),
  };
  s.options[0].required = true;
  s.options[1].required = true;
  s.source_options = {
      opt("query", T::object, Value(), "extra query parameters of this flow's list reads",
          "{company: \"${COMPANY}\"}"),
  };
  return s;
}

namespace {

std::string text_of(const Value& v) {
  return v.is_null() ? std::string() : v.to_text();
}

std::vector<std::pair<std::string, std::string>> pairs_of(const Value* v) {
  std::vector<std::pair<std::string, std::string>> out;
  if (v == nullptr || !v->is_object()) return out;
  for (const Member& m : v->as_object()) out.emplace_back(m.key, text_of(m.value));
  return out;
}

RestPagination pagination_of(const std::string& s) {
  if (s == "page") return RestPagination::page;
  if (s == "offset") return RestPagination::offset;
  if (s == "cursor") return RestPagination::cursor;
  if (s == "link_header") return RestPagination::link_header;
  if (s == "next_url") return RestPagination::next_url;
  return RestPagination::none;
}

RestAuth auth_of(const std::string& s) {
  if (s == "basic") return RestAuth::basic;
  if (s == "bearer") return RestAuth::bearer;
  if (s == "api_key") return RestAuth::api_key;
  if (s == "oauth2_client_credentials") return RestAuth::oauth2_client_credentials;
  if (s == "oauth2_password") return RestAuth::oauth2_password;
  if (s == "session") return RestAuth::session;
  return RestAuth::none;
}

OptionSet object_options(const ConnectionConfig& config, const Member& m) {
  OptionSet o;
  o.values = m.value;
  o.location = config.options.location;
  auto at = config.options.locations.find("objects");
  if (at != config.options.locations.end()) o.location = at->second;
  o.location.key = config.location.key + ".objects." + m.key;
  return o;
}

RestObject object_of(const std::string& name, const OptionSet& o) {
  RestObject r;
  r.name = name;
  r.path = option_text(o, "path");
  r.records_pointer = option_text(o, "records_pointer");
  r.id_pointer = option_text(o, "id_pointer", "/id");
  r.query = pairs_of(o.get("query"));
  r.pagination = pagination_of(option_text(o, "pagination", "none"));
  r.page_param = option_text(o, "page_param", "page");
  r.first_page = option_int(o, "first_page", 1);
  r.size_param = option_text(o, "size_param");
  r.page_size = option_int(o, "page_size", 100);
  r.offset_param = option_text(o, "offset_param", "offset");
  r.cursor_param = option_text(o, "cursor_param", "cursor");
  r.cursor_pointer = option_text(o, "cursor_pointer", "/next_cursor");
  r.next_url_pointer = option_text(o, "next_url_pointer", "/next");
  r.get_path = option_text(o, "get_path");
  // Absent = the REST convention; written empty = not offered.
  r.create_path = o.get("create_path") ? option_text(o, "create_path") : r.path;
  r.update_path = o.get("update_path") ? option_text(o, "update_path") : r.path + "/{id}";
  r.update_method = option_text(o, "update_method", "PATCH");
  r.delete_path = o.get("delete_path") ? option_text(o, "delete_path") : r.path + "/{id}";
  r.write_pointer = option_text(o, "write_pointer");
  r.get_pointer = o.get("get_pointer") ? option_text(o, "get_pointer") : r.write_pointer;
  r.search = option_text(o, "search", "query");
  r.search_param = option_text(o, "search_param", "{field}");
  r.search_path = o.get("search_path") ? option_text(o, "search_path") : r.path;
  r.search_body = option_text(o, "search_body");
  r.search_records_pointer = o.get("search_records_pointer")
                                 ? option_text(o, "search_records_pointer")
                                 : r.records_pointer;
  r.changed_since_param = option_text(o, "changed_since_param");
  r.changed_since_format = option_text(o, "changed_since_format", "iso8601");
  r.changed_field = option_text(o, "changed_field");
  return r;
}

bool pointer_ok(const std::string& p) {
  return p.empty() || p[0] == '/';
}

}  // namespace

Diagnostics validate_rest_objects(const ConnectionConfig& config) {
  Diagnostics out;
  const Value* objects = config.options.get("objects");
  if (objects == nullptr || !objects->is_object()) return out;  // reported by the spec
  for (const Member& m : objects->as_object()) {
    OptionSet o = object_options(config, m);
    if (!m.value.is_object()) {
      out.push_back({o.location, "an object declaration is a map ({path: /things, ...})"});
      continue;
    }
    Diagnostics d = validate_options(rest_object_spec(), o);
    out.insert(out.end(), d.begin(), d.end());
    if (!d.empty()) continue;
    OptionSet filled;
    validate_options(rest_object_spec(), o, &filled);
    RestObject r = object_of(m.key, filled);
    for (const std::string* p :
         {&r.records_pointer, &r.id_pointer, &r.cursor_pointer, &r.next_url_pointer,
          &r.write_pointer, &r.search_records_pointer}) {
      if (!pointer_ok(*p)) {
        out.push_back({o.location, "'" + *p + "' is not a JSON pointer (it starts with /)"});
      }
    }
    if (r.page_size < 1) out.push_back({o.location, "page_size must be at least 1"});
    if (r.search == "body" && r.search_body.empty()) {
      out.push_back({o.location, "search: body needs search_body"});
    }
  }
  return out;
}

namespace {

Result<RestConfig> config_of(const ConnectionConfig& cfg, const OptionSet& o) {
  Diagnostics d = validate_rest_objects(cfg);
  if (!d.empty()) {
    std::string msg = "objects are misconfigured:";
    for (const Diagnostic& x : d) msg += "\n  " + x.to_string();
    return Error(ErrorKind::fatal, msg);
  }
  RestConfig c;
  c.name = cfg.name;
  c.base_url = option_text(o, "base_url");
  while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
  c.auth = auth_of(option_text(o, "auth", "none"));
  c.username = option_text(o, "username");
  c.password = option_text(o, "password");
  c.password_transform = option_text(o, "password_transform", "none");
  // What a session login sends instead of the password is as secret as it.
  if (c.password_transform == "md5" && !c.password.empty()) register_secret(md5_hex(c.password));
  c.token = option_text(o, "token");
  c.api_key = option_text(o, "api_key");
  c.api_key_in = option_text(o, "api_key_in", "header");
  c.api_key_name = option_text(o, "api_key_name", "X-API-Key");
  c.token_url = option_text(o, "token_url");
  c.client_id = option_text(o, "client_id");
  c.client_secret = option_text(o, "client_secret");
  c.scope = option_text(o, "scope");
  c.login_path = option_text(o, "login_path");
  c.login_body = option_text(o, "login_body");
  c.token_pointer = option_text(o, "token_pointer", "/token");
  c.token_header = option_text(o, "token_header", "Authorization");
  c.token_template = option_text(o, "token_template", "Bearer {token}");
  const Value* ttl = o.get("session_ttl_secs");
  c.session_ttl_secs = ttl && ttl->is_number() ? std::stod(ttl->to_text()) : 0;
  c.headers = pairs_of(o.get("headers"));
  c.error_pointer = option_text(o, "error_pointer");
  const Value* rps = o.get("requests_per_second");
  c.requests_per_second = rps && rps->is_number() ? std::stod(rps->to_text()) : 0;
  const Value* t = o.get("timeout_secs");
  c.timeout_secs = t && t->is_number() ? std::stod(t->to_text()) : 30;
  auto attempts = read_max_attempts(o);
  if (!attempts) return attempts.error();
  c.max_attempts = *attempts;
  c.verify_tls = option_bool(o, "verify_tls", true);

  auto need = [&](bool ok, const std::string& what) -> Status {
    if (ok) return {};
    return Error(ErrorKind::fatal, "auth: " + option_text(o, "auth") + " needs " + what);
  };
  Status s;
  switch (c.auth) {
    case RestAuth::basic:
      s = need(!c.username.empty(), "username");
      break;
    case RestAuth::bearer:
      s = need(!c.token.empty(), "token");
      break;
    case RestAuth::api_key:
      s = need(!c.api_key.empty(), "api_key");
      break;
    case RestAuth::oauth2_client_credentials:
      s = need(!c.token_url.empty() && !c.client_id.empty(), "token_url and client_id");
      break;
    case RestAuth::oauth2_password:
      s = need(!c.token_url.empty() && !c.username.empty(), "token_url and username");
      break;
    case RestAuth::session:
      s = need(!c.login_path.empty(), "login_path");
      break;
    case RestAuth::none:
      break;
  }
  if (!s) return s.error();

  const Value* objects = cfg.options.get("objects");
  for (const Member& m : objects->as_object()) {
    OptionSet filled;
    validate_options(rest_object_spec(), object_options(cfg, m), &filled);
    c.objects.emplace(m.key, object_of(m.key, filled));
  }
  return c;
}

}  // namespace

void register_rest_connector(ConnectorRegistry& registry) {
  ConnectorFactory f{
      rest_spec(),
      [](const ConnectionConfig& cfg, const OptionSet& o,
         const ConnectorContext& ctx) -> Result<std::unique_ptr<Connection>> {
        auto c = config_of(cfg, o);
        if (!c) return c.error();
        return std::unique_ptr<Connection>(new RestConnection(
            std::move(*c), net::clock_or_system(ctx.clock), ctx.log, ctx.api_observer));
      }};
  f.validate_more = validate_rest_objects;
  registry.add(std::move(f));
}

}  // namespace crmsync
