#include <signal.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "sandbox/pipedrive/pipedrive_sandbox.h"

namespace crmsync::cli {

namespace {
const char* kPipedriveUsage = R"(usage: crmsync sandbox pipedrive [OPTIONS]

A local, stateful Pipedrive API (v1 at /v1, v2 at /api/v2) for tests and
rehearsals. On start it prints `pipedrive sandbox listening on
http://127.0.0.1:PORT` and the API token it accepts; it runs until SIGINT or
SIGTERM.

options:
  --port N                  port on 127.0.0.1 (default 0: a free port)
  --seed-records N          generate N persons, organizations and deals
  --api-token T             the token it accepts (default demo-token)
  --oauth-client-id ID      its OAuth app's client id (default demo-client)
  --oauth-client-secret S   its OAuth app's client secret (default demo-secret)
  --burst-limit N           requests per rolling 2 s per token (default 40; 0 off)
  --search-burst-limit N    searches per rolling 2 s (default 10; 0 off)
  --daily-budget N          daily token budget (default 60000; 0 off)
  --faults JSON             {"rate_429":0.05,"rate_500":0,"rate_503":0.1,"reset_rate":0,
                            "latency_ms":0}
  --pipeline "NAME=A,B,..." add pipeline NAME with stages A, B, ... (in that order) beside
                            the default "Sales pipeline", at start and after every admin
                            reset; repeatable

admin (no token): POST /__admin/reset, GET /__admin/requests?limit=N,
GET /__admin/counters, GET|POST /__admin/faults, POST /__admin/limits,
POST /__admin/api_token {"api_token": NEW} (regenerate the API token),
POST|PATCH|DELETE /__admin/{persons,organizations,deals,activities,products}[/ID]
and POST|PUT|DELETE /__admin/notes[/ID] (edit as a user),
POST /__admin/oauth/refresh_token (a refresh token without the browser).

OAuth: GET /oauth/authorize?client_id&redirect_uri&state (consent page),
POST /oauth/token (basic client_id:client_secret; authorization_code or
refresh_token); access tokens last 60 minutes; API routes take them as
`Authorization: Bearer`.
)";

// Blocks SIGINT/SIGTERM in every thread (the server's threads inherit the
// mask) and waits for one on this thread.
void wait_for_termination(sigset_t& signals) {
  int received = 0;
  sigwait(&signals, &received);
}

int run_pipedrive(const Args& args) {
  if (args.help) {
    outf("%s", kPipedriveUsage);
    return kExitOk;
  }
  std::string error;
  sandbox::pipedrive::PipedriveSandboxOptions options;
  auto port = args.int_option("port", 0, 0, 65535, error);
  auto seed = port ? args.int_option("seed-records", 0, 0, 1000000, error) : std::nullopt;
  auto burst = seed ? args.int_option("burst-limit", 40, 0, 1000000000, error) : std::nullopt;
  auto search =
      burst ? args.int_option("search-burst-limit", 10, 0, 1000000000, error) : std::nullopt;
  auto budget =
      search ? args.int_option("daily-budget", 60000, 0, 2000000000, error) : std::nullopt;
  if (!budget) return fail(kExitUsage, error);
  options.port = static_cast<int>(*port);
  options.seed_records = static_cast<int>(*seed);
  options.burst_limit = *burst;
  options.search_burst_limit = *search;
  options.daily_budget = *budget;
  if (auto it = args.values.find("api-token"); it != args.values.end()) {
    if (it->second.empty()) return fail(kExitUsage, "--api-token must not be empty");
    options.api_token = it->second;
  }
  for (auto [flag, target] : {std::pair{"oauth-client-id", &options.oauth_client_id},
                              std::pair{"oauth-client-secret", &options.oauth_client_secret}}) {
    if (auto it = args.values.find(flag); it != args.values.end()) {
      if (it->second.empty())
        return fail(kExitUsage, std::string("--") + flag + " must not be empty");
      *target = it->second;
    }
  }
  if (auto it = args.values.find("faults"); it != args.values.end()) {
    auto faults = sandbox::parse_fault_config(it->second);
    if (!faults.ok()) return fail(kExitUsage, "--faults: " + faults.error().message);
    options.faults = *faults;
  }
  if (auto it = args.all_values.find("pipeline"); it != args.all_values.end()) {
    for (const std::string& text : it->second) {
      auto seed = sandbox::pipedrive::parse_pipeline_seed(text);
      if (!seed.ok()) return fail(kExitUsage, "--pipeline: " + seed.error().message);
      options.pipelines.push_back(std::move(*seed));
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  sandbox::pipedrive::PipedriveSandbox sandbox(options);
  if (auto started = sandbox.start(); !started)
    return fail(kExitConnection, "pipedrive sandbox: " + started.error().message);
  outf("pipedrive sandbox listening on %s\n", sandbox.base_url().c_str());
  // A sandbox-only token, printed so that users and tests can connect.
  outf("api token: %s (x-api-token header or api_token parameter)\n", options.api_token.c_str());
  outf("oauth client: %s secret %s (%s/oauth/authorize, %s/oauth/token)\n",
       options.oauth_client_id.c_str(), options.oauth_client_secret.c_str(),
       sandbox.base_url().c_str(), sandbox.base_url().c_str());
  std::fflush(stdout);
  wait_for_termination(signals);
  sandbox.stop();
  return kExitOk;
}
}  // namespace

int cmd_sandbox(const Args& args) {
  if (args.positional.empty()) {
    return fail(kExitUsage, "sandbox needs a system: salesforce, pipedrive, siagh or payamgostar");
  }
  if (args.positional[0] == "pipedrive") return run_pipedrive(args);
  if (args.positional[0] == "salesforce") return run_salesforce_sandbox(args);
  if (args.positional[0] == "siagh") return run_siagh_sandbox(args);
  if (args.positional[0] == "payamgostar") return run_payamgostar_sandbox(args);
  return fail(kExitUsage, "unknown sandbox '" + args.positional[0] +
                              "' (known: salesforce, pipedrive, siagh, payamgostar)");
}

}  // namespace crmsync::cli
