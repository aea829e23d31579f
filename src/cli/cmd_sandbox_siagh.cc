// `crmsync sandbox siagh`: the finance system of story S1, emulated.
#include <signal.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "sandbox/siagh/siagh_sandbox.h"

namespace crmsync::cli {

namespace {
const char* kSiaghUsage = R"(usage: crmsync sandbox siagh [OPTIONS]

A local, stateful Siagh web API (the finance system of story S1) for tests and
rehearsals: POST /GeneralApi/LoginUser, GET|POST /api/Sgh/GEN/Gn_Web_Users/GetAll,
POST /BpmsApi/SaveFormData (contacts: form 2BFDA; sales pre-invoices: form 43D81).
On start it prints `siagh sandbox listening on http://HOST:PORT` and the user
it accepts; it runs until SIGINT or SIGTERM.

options:
  --host H                  address to listen on (default 127.0.0.1)
  --port N                  port (default 0: a free port)
  --seed-records N          generate N contacts (persons and organizations)
  --user NAME               the user name it accepts (default admin; may be Persian)
  --password P              that user's password (default demo-password); clients
                            send its upper-case hex MD5
  --session-idle-secs N     a session ends after N s unused (default 1800; 0 never)
  --fiscal-year N           the Jalali fiscal year (default: this year in Tehran)
  --faults JSON             {"rate_429":0.05,"rate_500":0,"rate_503":0.1,"reset_rate":0,
                            "latency_ms":0}

admin (no session): POST /__admin/reset, GET /__admin/requests?limit=N,
GET /__admin/counters, GET|POST /__admin/faults, POST /__admin/sessions/expire,
GET|POST /__admin/contacts, GET|PATCH|DELETE /__admin/contacts/CODE (GetAll's
fields, as a user edits them), GET /__admin/preinvoices.
)";
}  // namespace

int run_siagh_sandbox(const Args& args) {
  if (args.help) {
    outf("%s", kSiaghUsage);
    return kExitOk;
  }
  std::string error;
  sandbox::siagh::SiaghSandboxOptions o;
  auto port = args.int_option("port", 0, 0, 65535, error);
  auto seed = port ? args.int_option("seed-records", 0, 0, 10'000'000, error) : std::nullopt;
  auto idle =
      seed ? args.int_option("session-idle-secs", 1800, 0, 100'000'000, error) : std::nullopt;
  auto year = idle ? args.int_option("fiscal-year", 0, 0, 9999, error) : std::nullopt;
  if (!year) return fail(kExitUsage, error);
  o.port = static_cast<int>(*port);
  o.seed_records = static_cast<int>(*seed);
  o.session_idle_secs = *idle;
  o.fiscal_year = *year;
  for (auto [flag, target] : {std::pair{"host", &o.host}, std::pair{"user", &o.user_name},
                              std::pair{"password", &o.password}}) {
    if (auto it = args.values.find(flag); it != args.values.end()) {
      if (it->second.empty())
        return fail(kExitUsage, std::string("--") + flag + " must not be empty");
      *target = it->second;
    }
  }
  if (auto it = args.values.find("faults"); it != args.values.end()) {
    auto faults = sandbox::parse_fault_config(it->second);
    if (!faults.ok()) return fail(kExitUsage, "--faults: " + faults.error().message);
    o.faults = *faults;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  sandbox::siagh::SiaghSandbox sandbox(o);
  if (auto started = sandbox.start(); !started)
    return fail(kExitConnection, "siagh sandbox: " + started.error().message);
  outf("siagh sandbox listening on %s\n", sandbox.base_url().c_str());
  // A sandbox-only login, printed so that users and tests can connect.
  outf("user: %s password: %s (sent as MD5 %s)\n", o.user_name.c_str(), o.password.c_str(),
       sandbox::siagh::siagh_password_hash(o.password).c_str());
  outf("admin: %s/__admin/ (see --help)\n", sandbox.base_url().c_str());
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  sandbox.stop();
  return kExitOk;
}

}  // namespace crmsync::cli
