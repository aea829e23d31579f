// `crmsync sandbox salesforce`: runs the Salesforce emulator until SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "cli/output.h"
#include "sandbox/salesforce/salesforce_sandbox.h"

namespace crmsync::cli {
namespace {

const char* kSalesforceUsage = R"(usage: crmsync sandbox salesforce [OPTIONS]

A local, stateful Salesforce (REST, OAuth, SOAP login) for tests and rehearsals.
OAuth: password, refresh_token, client_credentials, JWT bearer and the web-server
flow (a login page at /services/oauth2/authorize that redirects with a code).
On start it prints `salesforce sandbox listening on http://127.0.0.1:PORT`, then
the credentials it accepts; it runs until SIGINT or SIGTERM.

options:
  --port N                       port on 127.0.0.1 (default 0: a free port)
  --seed-records N               generate N records per object (deterministic)
  --data DIR                     load DIR/<Object>.json (arrays of records)
  --schema FILE                  object schema (default: the built-in schema.json)
  --username U --password P      accepted login (default demo@example.com / demo)
  --client-id ID --client-secret S   accepted connected app (default demo-client / demo-secret)
  --jwt-cert FILE                the connected app's certificate (PEM X.509): JWT bearer
                                 assertions (grant_type=urn:ietf:params:oauth:grant-type:
                                 jwt-bearer) are verified against it; without it they are
                                 refused
  --session-timeout-secs N       access token lifetime (default 7200)
  --daily-api-limit N            API requests before 403 REQUEST_LIMIT_EXCEEDED (default 100000)
  --rate-429 P --rate-500 P --rate-503 P   injected error probability per request (0..1)
  --latency-ms N                 added latency per API request
  --session-expiry-every-secs N  every session expires at each multiple of N seconds
  --bulk-page-records N          Bulk API 2.0 query results per page when the client
                                 sends no maxRecords (default 50000)

)";

std::optional<double> rate_option(const Args& args, const char* name, std::string& error) {
  auto it = args.values.find(name);
  if (it == args.values.end()) return 0.0;
  char* end = nullptr;
  double v = std::strtod(it->second.c_str(), &end);
  if (end == it->second.c_str() || *end != '\0' || v < 0 || v > 1) {
    error = std::string("--") + name + " takes a probability from 0 to 1";
    return std::nullopt;
  }
  return v;
}

}  // namespace

int run_salesforce_sandbox(const Args& args) {
  using namespace crmsync::sandbox::salesforce;
  if (args.help) {
    outf("%s%s", kSalesforceUsage, salesforce_admin_help());
    return kExitOk;
  }
  SalesforceSandboxOptions o;
  std::string error;
  auto port = args.int_option("port", 0, 0, 65535, error);
  auto seed = args.int_option("seed-records", 0, 0, 10'000'000, error);
  auto timeout = args.int_option("session-timeout-secs", 7200, 1, 100'000'000, error);
  auto limit = args.int_option("daily-api-limit", 100000, 1, 1'000'000'000, error);
  auto latency = args.int_option("latency-ms", 0, 0, 600'000, error);
  auto expiry = args.int_option("session-expiry-every-secs", 0, 0, 100'000'000, error);
  auto bulk_page = args.int_option("bulk-page-records", 50000, 1, 100'000'000, error);
  auto r429 = rate_option(args, "rate-429", error);
  auto r500 = rate_option(args, "rate-500", error);
  auto r503 = rate_option(args, "rate-503", error);
  if (!port || !seed || !timeout || !limit || !latency || !expiry || !bulk_page || !r429 || !r500 ||
      !r503) {
    return fail(kExitUsage, error);
  }
  o.port = static_cast<int>(*port);
  o.seed_records = static_cast<int>(*seed);
  o.session_timeout_secs = *timeout;
  o.daily_api_limit = *limit;
  o.bulk_page_records = static_cast<size_t>(*bulk_page);
  o.faults = FaultOptions{*r429, *r500, *r503, static_cast<int>(*latency), *expiry};
  auto text = [&](const char* name, std::string& into) {
    if (auto it = args.values.find(name); it != args.values.end()) into = it->second;
  };
  text("data", o.data_dir);
  text("schema", o.schema_file);
  text("username", o.username);
  text("password", o.password);
  text("client-id", o.client_id);
  text("client-secret", o.client_secret);
  if (auto it = args.values.find("jwt-cert"); it != args.values.end()) {
    std::ifstream in(it->second);
    std::stringstream pem;
    pem << in.rdbuf();
    if (!in || pem.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      return fail(kExitUsage, "--jwt-cert " + it->second + ": not a readable PEM certificate");
    }
    o.jwt_cert_pem = pem.str();
  }

  // Block the stop signals before the server starts its threads, so that
  // only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  SalesforceSandbox sandbox(o);
  if (Status st = sandbox.start(); !st) return fail(kExitConnection, st.error().to_string());
  outf("salesforce sandbox listening on %s\n", sandbox.base_url().c_str());
  outf("username: %s\npassword: %s\nclient id: %s\nclient secret: %s\n", o.username.c_str(),
       o.password.c_str(), o.client_id.c_str(), o.client_secret.c_str());
  outf("admin: %s/__admin/ (see --help)\n", sandbox.base_url().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop_signals, &sig);
  sandbox.stop();
  return kExitOk;
}

}  // namespace crmsync::cli
