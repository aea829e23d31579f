#include "connectors/salesforce/salesforce_config.h"

#include "connectors/http_options.h"
#include "connectors/option_values.h"
#include "connectors/salesforce/salesforce_connection.h"

namespace crmsync {

ComponentSpec salesforce_spec() {
  ComponentSpec s;
  s.type = "salesforce";
  s.summary =
      "Salesforce through its REST API: SOQL reads with the flow's filter pushed down and a "
      "SystemModstamp cursor, writes through sObject Collections (200 records a call), upsert "
      "by an external id field; Bulk API 2.0 jobs for writes and reads above a size.";
  using T = OptionSpec::Type;
  s.options = {
      {"auth",
       T::enumeration,
       false,
       Value("password"),
       "how to get an access token: OAuth password grant, a refresh token, the client "
       "credentials grant, a ready access token, the JWT bearer grant (an assertion signed with "
       "private_key_file), or web_server: the refresh token `crmsync connect CONNECTION` "
       "obtained in a browser and stored encrypted in the state store",
       "password",
       false,
       {"password", "refresh_token", "client_credentials", "access_token", "jwt", "web_server"}},
      {"login_url",
       T::string,
       false,
       Value("https://login.salesforce.com"),
       "where tokens are issued (https://test.salesforce.com for sandboxes, the My Domain URL "
       "for client credentials)",
       "https://login.salesforce.com",
       false,
       {}},
      {"instance_url",
       T::string,
       false,
       Value(),
       "the org's URL; required with auth: access_token, else taken from the token answer",
       "https://acme.my.salesforce.com",
       false,
       {}},
      {"api_version", T::string, false, Value("60.0"), "REST API version", "60.0", false, {}},
      {"username", T::string, false, Value(), "user for auth: password", "${SF_USER}", false, {}},
      {"password",
       T::string,
       false,
       Value(),
       "password with the security token appended, for auth: password",
       "${SF_PASSWORD}",
       true,
       {}},
      {"client_id",
       T::string,
       false,
       Value(),
       "connected app consumer key",
       "${SF_CLIENT_ID}",
       false,
       {}},
      {"client_secret",
       T::string,
       false,
       Value(),
       "connected app consumer secret",
       "${SF_CLIENT_SECRET}",
       true,
       {}},
      {"refresh_token",
       T::string,
       false,
       Value(),
       "for auth: refresh_token",
       "${SF_REFRESH_TOKEN}",
       true,
       {}},
      {"access_token",
       T::string,
       false,
       Value(),
       "for auth: access_token (it cannot be renewed: a 401 stops the flow)",
       "${SF_ACCESS_TOKEN}",
       true,
       {}},
      {"private_key_file",
       T::path,
       false,
       Value(),
       "for auth: jwt, the PEM RSA private key whose certificate the connected app holds "
       "(relative to the config file)",
       "secrets/salesforce.key",
       false,
       {}},
      {"audience",
       T::string,
       false,
       Value("https://login.salesforce.com"),
       "for auth: jwt, the assertion's aud: https://login.salesforce.com, "
       "https://test.salesforce.com for sandboxes, or a community URL",
       "https://test.salesforce.com",
       false,
       {}},
      {"redirect_port",
       T::integer,
       false,
       Value(int64_t{8400}),
       "for auth: web_server, the port `crmsync connect` listens on at 127.0.0.1 for the "
       "browser's redirect; the connected app's callback URL must be "
       "http://localhost:PORT/callback (0 picks a free port, for tests)",
       "8400",
       false,
       {}},
      {"max_daily_api_share",
       T::number,
       false,
       Value(int64_t{1}),
       "the share (0 < x <= 1) of the org's daily API request limit (Sforce-Limit-Info "
       "api-usage=N/M) that may be used; the connection stops before a call that would take "
       "the org's usage past it (\"budget reached, try after reset\")",
       "0.5",
       false,
       {}},
      {"max_parallel_requests",
       T::integer,
       false,
       Value(int64_t{4}),
       "sObject Collections calls of one write sent at once (1 to 25); per-record results keep "
       "their order",
       "4",
       false,
       {}},
      {"timeout_secs", T::number, false, Value(int64_t{60}), "per HTTP request", "120", false, {}},
      max_attempts_option(),
      {"verify_tls",
       T::boolean,
       false,
       Value(true),
       "check the server's TLS certificate (turn off only for a local test server)",
       "true",
       false,
       {}},
      {"query_batch_size",
       T::integer,
       false,
       Value(int64_t{2000}),
       "records per query page (200 to 2000)",
       "2000",
       false,
       {}},
      {"bulk_threshold",
       T::integer,
       false,
       Value(int64_t{10000}),
       "a write call with at least this many records of one kind (creates, updates, upserts or "
       "deletes) goes through one Bulk API 2.0 ingest job instead of sObject Collections; 0 "
       "turns Bulk writes off. The engine hands over at most the flow target's batch_size "
       "records a call",
       "10000",
       false,
       {}},
      {"bulk_query_threshold",
       T::integer,
       false,
       Value(int64_t{50000}),
       "a read whose query matches at least this many records (the first REST page's "
       "totalSize) runs as a Bulk API 2.0 query job instead: fewer calls, but a job waits in "
       "Salesforce's queue, so below this size REST answers sooner; 0 turns Bulk reads off",
       "50000",
       false,
       {}},
  };
  return s;
}

namespace {

// Which options each auth mode needs, said all at once.
Result<SalesforceConfig> read_config(const OptionSet& o, const ConnectorContext& ctx) {
  SalesforceConfig c;
  std::string auth = option_text(o, "auth", "password");
  c.auth = auth == "refresh_token"        ? SalesforceAuth::refresh_token
           : auth == "client_credentials" ? SalesforceAuth::client_credentials
           : auth == "access_token"       ? SalesforceAuth::access_token
           : auth == "jwt"                ? SalesforceAuth::jwt
           : auth == "web_server"         ? SalesforceAuth::web_server
                                          : SalesforceAuth::password;
  c.login_url = option_text(o, "login_url", c.login_url);
  c.instance_url = option_text(o, "instance_url");
  c.api_version = option_text(o, "api_version", c.api_version);
  c.username = option_text(o, "username");
  c.password = option_text(o, "password");
  c.client_id = option_text(o, "client_id");
  c.client_secret = option_text(o, "client_secret");
  c.refresh_token = option_text(o, "refresh_token");
  c.access_token = option_text(o, "access_token");
  if (!option_text(o, "private_key_file").empty()) {
    c.private_key_file = option_path(o, "private_key_file", ctx.config_dir);
  }
  c.audience = option_text(o, "audience", c.audience);
  c.redirect_port = option_int(o, "redirect_port", c.redirect_port);
  if (const Value* v = o.get("max_daily_api_share"); v && v->is_number()) {
    c.max_daily_api_share = std::stod(v->to_text());
  }
  c.max_parallel_requests = option_int(o, "max_parallel_requests", c.max_parallel_requests);
  const Value* t = o.get("timeout_secs");
  if (t && t->is_number()) c.timeout_secs = std::stod(t->to_text());
  c.verify_tls = option_bool(o, "verify_tls", true);
  auto attempts = read_max_attempts(o);
  if (!attempts) return attempts.error();
  c.max_attempts = *attempts;
  c.query_batch_size = option_int(o, "query_batch_size", 2000);
  c.bulk_threshold = option_int(o, "bulk_threshold", c.bulk_threshold);
  c.bulk_query_threshold = option_int(o, "bulk_query_threshold", c.bulk_query_threshold);
  while (!c.login_url.empty() && c.login_url.back() == '/') c.login_url.pop_back();
  while (!c.instance_url.empty() && c.instance_url.back() == '/') c.instance_url.pop_back();

  std::vector<std::string> missing;
  auto need = [&](const std::string& v, const char* name) {
    if (v.empty()) missing.push_back(name);
  };
  switch (c.auth) {
    case SalesforceAuth::password:
      need(c.username, "username");
      need(c.password, "password");
      need(c.client_id, "client_id");
      need(c.client_secret, "client_secret");
      break;
    case SalesforceAuth::refresh_token:
      need(c.refresh_token, "refresh_token");
      need(c.client_id, "client_id");
      break;
    case SalesforceAuth::client_credentials:
      need(c.client_id, "client_id");
      need(c.client_secret, "client_secret");
      break;
    case SalesforceAuth::access_token:
      need(c.access_token, "access_token");
      need(c.instance_url, "instance_url");
      break;
    case SalesforceAuth::jwt:
      need(c.client_id, "client_id");
      need(c.username, "username");
      need(c.private_key_file, "private_key_file");
      break;
    case SalesforceAuth::web_server:
      // The refresh token comes from the state store at run time; without
      // one the first call says to run `crmsync connect`.
      need(c.client_id, "client_id");
      need(c.client_secret, "client_secret");
      break;
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return Error(ErrorKind::fatal, "auth: " + auth + " needs " + list);
  }
  if (c.query_batch_size < 200 || c.query_batch_size > 2000) {
    return Error(ErrorKind::fatal, "query_batch_size must be between 200 and 2000, not " +
                                       std::to_string(c.query_batch_size));
  }
  if (!(c.max_daily_api_share > 0 && c.max_daily_api_share <= 1)) {
    return Error(ErrorKind::fatal, "max_daily_api_share must be more than 0 and at most 1");
  }
  if (c.max_parallel_requests < 1 || c.max_parallel_requests > 25) {
    return Error(ErrorKind::fatal, "max_parallel_requests must be between 1 and 25, not " +
                                       std::to_string(c.max_parallel_requests));
  }
  if (c.redirect_port < 0 || c.redirect_port > 65535) {
    return Error(ErrorKind::fatal, "redirect_port must be a port number (0 to 65535)");
  }
  if (c.bulk_threshold < 0 || c.bulk_query_threshold < 0) {
    return Error(ErrorKind::fatal,
                 "bulk_threshold and bulk_query_threshold must be 0 (off) or more");
  }
  return c;
}

}  // namespace

void register_salesforce_connector(ConnectorRegistry& registry) {
  registry.add(ConnectorFactory{
      salesforce_spec(),
      [](const ConnectionConfig& config, const OptionSet& o,
         const ConnectorContext& ctx) -> Result<std::unique_ptr<Connection>> {
        auto c = read_config(o, ctx);
        if (!c) return c.error();
        c->connection = config.name;
        return std::unique_ptr<Connection>(new SalesforceConnection(
            std::move(*c), net::clock_or_system(ctx.clock), ctx.log, ctx.api_observer));
      }});
}

}  // namespace crmsync
