#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"

namespace crmsync::cli {
namespace {

FlowCounts total(const RunInfo& r) {
  FlowCounts t;
  for (const auto& [name, c] : r.flows) t += c;
  return t;
}

}  // namespace

// Newest first, as GET /runs pages them (StateStore::runs(RunFilter)).
int cmd_history(const Args& args) {
  std::string err;
  auto limit = args.int_option("limit", 20, 1, 100000, err);
  if (!limit) return fail(kExitUsage, err);
  RunFilter filter;
  filter.limit = static_cast<size_t>(*limit);
  if (auto it = args.values.find("flow"); it != args.values.end()) filter.flow = it->second;
  if (auto it = args.values.find("status"); it != args.values.end()) {
    filter.status = parse_run_status(it->second);
    if (!filter.status) {
      return fail(kExitUsage,
                  "--status takes queued, running, succeeded, partial, failed, "
                  "cancelled or interrupted, got '" +
                      it->second + "'");
    }
  }
  auto config = load_valid_config(args);
  if (!config) return kExitUsage;
  if (!filter.flow.empty() && config->flow(filter.flow) == nullptr) {
    return fail(kExitUsage, "no flow named '" + filter.flow + "' (--flow)");
  }
  auto store = open_store(*config);
  if (!store) return kExitConnection;
  auto runs = store->runs(filter);
  if (!runs) return fail(kExitConnection, runs.error().message);
  if (args.json) {
    Array out;
    for (const RunInfo& r : *runs) out.push_back(run_json(r));
    print_json(Value(std::move(out)));
    return kExitOk;
  }
  if (runs->empty()) {
    if (filter.flow.empty() && !filter.status) {
      outf("no runs yet; start one with: crmsync run\n");
    } else {
      outf("no runs match\n");
    }
    return kExitOk;
  }
  Table t({"run", "started", "took", "status", "trigger", "read", "created", "updated", "skipped",
           "deleted", "failed", "api calls"});
  for (const RunInfo& r : *runs) {
    FlowCounts c = total(r);
    // A queued run has not started: when it was queued.
    std::string started =
        r.started_at ? format_time(r.started_at) : "queued " + format_time(r.queued_at);
    std::string status(to_string(r.status));
    if (r.cancel_requested && r.status == RunStatus::running) status += " (cancelling)";
    t.add({std::to_string(r.id), started,
           r.ended_at && r.started_at ? format_duration(r.ended_at - r.started_at) : "-", status,
           r.trigger, format_count(c.read), format_count(c.created), format_count(c.updated),
           format_count(c.skipped), format_count(c.deleted), format_count(c.failed),
           format_count(c.api_calls)});
  }
  outf("%s", t.render().c_str());
  // Why a run was not a success (a flow that stopped, deletes withheld).
  for (const RunInfo& r : *runs) {
    if (!r.message.empty()) outf("run %lld: %s\n", static_cast<long long>(r.id), r.message.c_str());
    if (r.resumed_by) {
      outf("run %lld: resumed by run %lld\n", static_cast<long long>(r.id),
           static_cast<long long>(r.resumed_by));
    }
  }
  return kExitOk;
}

}  // namespace crmsync::cli
