#include <signal.h>

#include <cstdio>

#include "cli/commands.h"
#include "sandbox/pipedrive/pipedrive_sandbox.h"

namespace crmsync::cli {

namespace {
// Blocks SIGINT/SIGTERM in every thread (the server's threads inherit the
// mask) and waits for one on this thread.
void wait_for_termination(sigset_t& signals) {
  int received = 0;
  sigwait(&signals, &received);
}

int run_pipedrive(const Args& args) {
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
  if (auto it = args.values.find("faults"); it != args.values.end()) {
    auto faults = sandbox::parse_fault_config(it->second);
    if (!faults.ok()) return fail(kExitUsage, "--faults: " + faults.error().message);
    options.faults = *faults;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  sandbox::pipedrive::PipedriveSandbox sandbox(options);
  if (auto started = sandbox.start(); !started)
    return fail(kExitConnection, "pipedrive sandbox: " + started.error().message);
  std::printf("pipedrive sandbox listening on %s\n", sandbox.base_url().c_str());
  // A sandbox-only token, printed so that users and tests can connect.
  std::printf("api token: %s (x-api-token header or api_token parameter)\n",
              options.api_token.c_str());
  std::fflush(stdout);
  wait_for_termination(signals);
  sandbox.stop();
  return kExitOk;
}
}  // namespace

int cmd_sandbox(const Args& args) {
  if (args.positional.empty()) {
    return fail(kExitUsage, "sandbox needs a system: salesforce or pipedrive");
  }
  if (args.positional[0] == "pipedrive") return run_pipedrive(args);
  if (args.positional[0] == "salesforce") return run_salesforce_sandbox(args);
  return fail(kExitUsage,
              "unknown sandbox '" + args.positional[0] + "' (known: salesforce, pipedrive)");
}

}  // namespace crmsync::cli
