// `crmsync sandbox payamgostar`: the CRM of story S1, emulated.
#include <signal.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "sandbox/payamgostar/payamgostar_sandbox.h"

namespace crmsync::cli {

namespace {
const char* kPayamgostarUsage = R"(usage: crmsync sandbox payamgostar [OPTIONS]

A local, stateful Payamgostar REST API v2 (the CRM of story S1) for tests and
rehearsals: POST /api/v2/auth/login (JWT Bearer with expiresAt),
POST /api/v2/crmobject/{person,organization,product}/{create,get,find,update,delete},
POST /api/v2/crmobject/quote/sales/{create,get,find,update,delete},
POST /api/v2/crmobject/identity/search; GET webhooks
(?event=&id=&type=&subtype=) to the URLs registered at /__admin/webhooks.
On start it prints `payamgostar sandbox listening on http://HOST:PORT` and
the user it accepts; it runs until SIGINT or SIGTERM.

options:
  --host H                  address to listen on (default 127.0.0.1)
  --port N                  port (default 0: a free port)
  --seed-records N          generate N persons and organizations (and 3 products)
  --username NAME           the user it accepts (default admin)
  --password P              that user's password (default demo-password)
  --token-ttl-secs N        access token lifetime (default 1800)
  --lockout-after N         bad logins in a row that lock the user (default 5; 0 never)
  --lockout-secs N          how long a lockout lasts (default 900)
  --unlicensed MODULE       a module the licence lacks: MobileApp (login answers 402)
                            or person, organization, quote, product, identity
                            (their routes answer 402); repeatable
  --webhook TYPE=URL        register a webhook for Identity, Quote or Product
                            (Insert and Update); repeatable
  --faults JSON             {"rate_429":0.05,"rate_500":0,"rate_503":0.1,"reset_rate":0,
                            "latency_ms":0}

admin (no token): POST /__admin/reset, GET /__admin/requests?limit=N,
GET /__admin/counters, GET|POST /__admin/faults, GET|POST /__admin/licence
{"MobileApp":false}, POST /__admin/tokens/expire,
GET|POST /__admin/{person,organization,quote,product},
GET|PATCH|DELETE /__admin/{person,organization,quote,product}/ID (edit as a user;
webhooks fire), GET|POST /__admin/webhooks {"url","type","events"},
DELETE /__admin/webhooks/ID, GET /__admin/webhook_deliveries,
GET|POST /__admin/webhook_delivery {"paused":true,...}.
)";
}  // namespace

int run_payamgostar_sandbox(const Args& args) {
  if (args.help) {
    outf("%s", kPayamgostarUsage);
    return kExitOk;
  }
  std::string error;
  sandbox::payamgostar::PayamgostarSandboxOptions o;
  auto port = args.int_option("port", 0, 0, 65535, error);
  auto seed = port ? args.int_option("seed-records", 0, 0, 10'000'000, error) : std::nullopt;
  auto ttl = seed ? args.int_option("token-ttl-secs", 1800, 1, 100'000'000, error) : std::nullopt;
  auto after = ttl ? args.int_option("lockout-after", 5, 0, 1000, error) : std::nullopt;
  auto lockout = after ? args.int_option("lockout-secs", 900, 0, 100'000'000, error) : std::nullopt;
  if (!lockout) return fail(kExitUsage, error);
  o.port = static_cast<int>(*port);
  o.seed_records = static_cast<int>(*seed);
  o.token_ttl_secs = *ttl;
  o.lockout_after = static_cast<int>(*after);
  o.lockout_secs = *lockout;
  for (auto [flag, target] : {std::pair{"host", &o.host}, std::pair{"username", &o.username},
                              std::pair{"password", &o.password}}) {
    if (auto it = args.values.find(flag); it != args.values.end()) {
      if (it->second.empty())
        return fail(kExitUsage, std::string("--") + flag + " must not be empty");
      *target = it->second;
    }
  }
  if (auto it = args.all_values.find("unlicensed"); it != args.all_values.end())
    o.unlicensed.insert(it->second.begin(), it->second.end());
  if (auto it = args.values.find("faults"); it != args.values.end()) {
    auto faults = sandbox::parse_fault_config(it->second);
    if (!faults.ok()) return fail(kExitUsage, "--faults: " + faults.error().message);
    o.faults = *faults;
  }
  std::vector<std::string> hooks;
  if (auto it = args.all_values.find("webhook"); it != args.all_values.end()) {
    for (const std::string& text : it->second) {
      size_t eq = text.find('=');
      if (eq == std::string::npos)
        return fail(kExitUsage, "--webhook takes TYPE=URL (Identity, Quote or Product)");
      hooks.push_back("{\"type\":\"" + text.substr(0, eq) + "\",\"url\":\"" + text.substr(eq + 1) +
                      "\"}");
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  sandbox::payamgostar::PayamgostarSandbox sandbox(o);
  for (const std::string& hook : hooks)
    if (auto added = sandbox.add_webhook(hook); !added.ok())
      return fail(kExitUsage, "--webhook: " + added.error().message);
  if (auto started = sandbox.start(); !started)
    return fail(kExitConnection, "payamgostar sandbox: " + started.error().message);
  outf("payamgostar sandbox listening on %s\n", sandbox.base_url().c_str());
  // A sandbox-only login, printed so that users and tests can connect.
  outf("username: %s password: %s (POST /api/v2/auth/login)\n", o.username.c_str(),
       o.password.c_str());
  outf("admin: %s/__admin/ (see --help)\n", sandbox.base_url().c_str());
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  sandbox.stop();
  return kExitOk;
}

}  // namespace crmsync::cli
