// `crmsync watch`: keeps the flows with `trigger: {cdc: true}` in sync from
// their source's change stream until SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "engine/engine.h"

namespace crmsync::cli {
namespace {

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

extern "C" void on_stop_signal(int) {
  g_stop = true;
}

}  // namespace

int cmd_watch(const Args& args) {
  auto config = load_valid_config(args);
  if (!config) return kExitUsage;
  auto store = open_store(*config);
  if (!store) return kExitConnection;
  WatchOptions options;
  if (auto it = args.all_values.find("flow"); it != args.all_values.end())
    options.flows = it->second;
  for (const std::string& f : args.positional) options.flows.push_back(f);
  options.log = [](const std::string& line) {
    outf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  g_stop = false;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  SystemClock clock;
  SyncEngine engine(*config, *store, clock);
  Status s = engine.watch(options, g_stop);
  if (!s) {
    int code = s.error().message.rfind("no flow", 0) == 0 ? kExitUsage : kExitConnection;
    return fail(code, s.error().message);
  }
  outf("stopped\n");
  return kExitOk;
}

}  // namespace crmsync::cli
