#include "connectors/pipedrive/pipedrive_config.h"

#include "connectors/http_options.h"
#include "connectors/option_values.h"
#include "connectors/pipedrive/pipedrive_connection.h"

namespace crmsync {

ComponentSpec pipedrive_spec() {
  ComponentSpec s;
  s.type = "pipedrive";
  s.summary =
      "Pipedrive through its API (v2, v1 for notes and field definitions): persons, "
      "organizations, deals, activities, products and notes; custom fields and their options "
      "by name; paced under the plan's burst limit.";
  using T = OptionSpec::Type;
  s.options = {
      {"auth",
       T::enumeration,
       false,
       Value("api_token"),
       "api_token: the x-api-token header; oauth: an OAuth app's access token, got from "
       "refresh_token at start and renewed when the API answers 401; web_server: the same, "
       "with the refresh token the dashboard's Connect (or `crmsync connect CONNECTION`) "
       "stored encrypted in the state store",
       "oauth",
       false,
       {"api_token", "oauth", "web_server"}},
      {"api_token",
       T::string,
       false,
       Value(),
       "the company's API token (auth: api_token)",
       "${PIPEDRIVE_TOKEN}",
       true,
       {}},
      {"client_id",
       T::string,
       false,
       Value(),
       "the OAuth app's client id (auth: oauth)",
       "${PIPEDRIVE_CLIENT_ID}",
       false,
       {}},
      {"client_secret",
       T::string,
       false,
       Value(),
       "the OAuth app's client secret (auth: oauth)",
       "${PIPEDRIVE_CLIENT_SECRET}",
       true,
       {}},
      {"refresh_token",
       T::string,
       false,
       Value(),
       "the refresh token of the app's installation in the company (auth: oauth; auth: "
       "web_server stores its own)",
       "${PIPEDRIVE_REFRESH_TOKEN}",
       true,
       {}},
      {"redirect_port",
       T::integer,
       false,
       Value(int64_t{8401}),
       "for auth: web_server, the port `crmsync connect` listens on at 127.0.0.1 for the "
       "browser's redirect; the app's callback URL must be http://localhost:PORT/callback",
       "8401",
       false,
       {}},
      {"oauth_url",
       T::string,
       false,
       Value("https://oauth.pipedrive.com"),
       "OAuth server (auth: oauth); the token answer's api_domain then replaces base_url",
       "https://oauth.pipedrive.com",
       false,
       {}},
      {"base_url",
       T::string,
       false,
       Value("https://api.pipedrive.com"),
       "API host (the company domain, or a local sandbox)",
       "https://acme.pipedrive.com",
       false,
       {}},
      {"burst_limit",
       T::integer,
       false,
       Value(),  // unset: 40 (Growth) until the server's header says otherwise
       "requests per rolling 2 seconds the plan allows (API token: Lite 20, Growth 40, "
       "Premium 100, Ultimate 120); requests are paced to stay under it. Until the first "
       "answer this default is used; then the server's x-ratelimit-limit, capped by this "
       "option when it is set",
       "100",
       false,
       {}},
      {"search_burst_limit",
       T::integer,
       false,
       Value(),  // unset: 10 until the server's header says otherwise
       "search requests per rolling 2 seconds (10 on every plan); like burst_limit, the "
       "server's x-ratelimit-limit on searches replaces the default",
       "10",
       false,
       {}},
      {"max_daily_api_share",
       T::number,
       false,
       Value(int64_t{1}),
       "the share (0 < x <= 1) of the company's daily token budget a run may spend; the "
       "connector stops before it would spend more (\"budget reached, try after reset\")",
       "0.25",
       false,
       {}},
      {"daily_token_budget",
       T::integer,
       false,
       Value(int64_t{0}),
       "the company's daily token budget (30,000 x plan multiplier x seats, plus top-ups); 0 "
       "takes what the x-daily-requests-left header says was left when the run started",
       "60000",
       false,
       {}},
      {"timeout_secs", T::number, false, Value(int64_t{30}), "per HTTP request", "60", false, {}},
      max_attempts_option(),
      {"verify_tls",
       T::boolean,
       false,
       Value(true),
       "check the server's TLS certificate (turn off only for a local test server)",
       "true",
       false,
       {}},
  };
  return s;
}

void register_pipedrive_connector(ConnectorRegistry& registry) {
  registry.add(ConnectorFactory{
      pipedrive_spec(),
      [](const ConnectionConfig& config, const OptionSet& o,
         const ConnectorContext& ctx) -> Result<std::unique_ptr<Connection>> {
        PipedriveConfig c;
        c.connection = config.name;
        auto attempts = read_max_attempts(o);
        if (!attempts) return attempts.error();
        c.max_attempts = *attempts;
        c.api_token = option_text(o, "api_token");
        c.base_url = option_text(o, "base_url", c.base_url);
        while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
        c.burst_limit = option_int(o, "burst_limit", 40);
        c.search_burst_limit = option_int(o, "search_burst_limit", 10);
        c.burst_limit_given = o.get("burst_limit") != nullptr;
        c.search_burst_limit_given = o.get("search_burst_limit") != nullptr;
        const Value* t = o.get("timeout_secs");
        if (t && t->is_number()) c.timeout_secs = std::stod(t->to_text());
        c.verify_tls = option_bool(o, "verify_tls", true);
        if (const Value* s = o.get("max_daily_api_share"); s && s->is_number()) {
          c.max_daily_api_share = std::stod(s->to_text());
        }
        if (!(c.max_daily_api_share > 0 && c.max_daily_api_share <= 1)) {
          return Error(ErrorKind::fatal,
                       "max_daily_api_share must be more than 0 "
                       "and at most 1");
        }
        c.daily_token_budget = option_int(o, "daily_token_budget", 0);
        if (c.daily_token_budget < 0)
          return Error(ErrorKind::fatal, "daily_token_budget must be 0 or more");
        c.auth = option_text(o, "auth", "api_token");
        c.oauth_url = option_text(o, "oauth_url", c.oauth_url);
        while (!c.oauth_url.empty() && c.oauth_url.back() == '/') c.oauth_url.pop_back();
        c.oauth_client_id = option_text(o, "client_id");
        c.oauth_client_secret = option_text(o, "client_secret");
        c.oauth_refresh_token = option_text(o, "refresh_token");
        c.redirect_port = option_int(o, "redirect_port", c.redirect_port);
        if (c.auth == "oauth") {
          for (const char* key : {"client_id", "client_secret", "refresh_token"})
            if (option_text(o, key).empty())
              return Error(ErrorKind::fatal, std::string("auth: oauth needs ") + key);
        } else if (c.auth == "web_server") {
          // The refresh token comes from the state store at run time;
          // without one the first call says to connect.
          for (const char* key : {"client_id", "client_secret"})
            if (option_text(o, key).empty())
              return Error(ErrorKind::fatal, std::string("auth: web_server needs ") + key);
        } else if (c.auth != "api_token") {
          return Error(ErrorKind::fatal, "auth must be api_token, oauth or web_server");
        } else if (c.api_token.empty()) {
          return Error(ErrorKind::fatal, "api_token is empty");
        }
        return std::unique_ptr<Connection>(new PipedriveConnection(
            std::move(c), net::clock_or_system(ctx.clock), ctx.log, ctx.api_observer));
      }});
}

}  // namespace crmsync
