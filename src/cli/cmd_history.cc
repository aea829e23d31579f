#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/clock.h"

namespace crmsync::cli {
namespace {

Value run_json(const RunInfo& r) {
  Object flows;
  for (const auto& [name, c] : r.flows) flows.push_back({name, counts_json(c)});
  return Value(Object{{"run_id", Value(r.id)},
                      {"status", Value(std::string(to_string(r.status)))},
                      {"trigger", Value(r.trigger)},
                      {"started_at", Value(DateTime{r.started_at, 0})},
                      {"ended_at", r.ended_at ? Value(DateTime{r.ended_at, 0}) : Value()},
                      {"message", Value(r.message)},
                      {"flows", Value(std::move(flows))}});
}

FlowCounts total(const RunInfo& r) {
  FlowCounts t;
  for (const auto& [name, c] : r.flows) t += c;
  return t;
}

}  // namespace

int cmd_history(const Args& args) {
  std::string err;
  auto limit = args.int_option("limit", 20, 1, 100000, err);
  if (!limit) return fail(kExitUsage, err);
  auto config = load_valid_config(args);
  if (!config) return kExitUsage;
  auto store = open_store(*config);
  if (!store) return kExitConnection;
  auto runs = store->runs(static_cast<size_t>(*limit));
  if (!runs) return fail(kExitConnection, runs.error().message);
  if (args.json) {
    Array out;
    for (const RunInfo& r : *runs) out.push_back(run_json(r));
    print_json(Value(std::move(out)));
    return kExitOk;
  }
  if (runs->empty()) {
    outf("no runs yet; start one with: crmsync run\n");
    return kExitOk;
  }
  Table t({"run", "started", "took", "status", "trigger", "read", "created", "updated", "skipped",
           "deleted", "failed", "api calls"});
  for (const RunInfo& r : *runs) {
    FlowCounts c = total(r);
    t.add({std::to_string(r.id), format_time(r.started_at),
           r.ended_at ? format_duration(r.ended_at - r.started_at) : "-",
           std::string(to_string(r.status)), r.trigger, format_count(c.read),
           format_count(c.created), format_count(c.updated), format_count(c.skipped),
           format_count(c.deleted), format_count(c.failed), format_count(c.api_calls)});
  }
  outf("%s", t.render().c_str());
  // Why a run was not a success (a flow that stopped, deletes withheld).
  for (const RunInfo& r : *runs) {
    if (!r.message.empty()) outf("run %lld: %s\n", static_cast<long long>(r.id), r.message.c_str());
  }
  return kExitOk;
}

int cmd_status(const Args& args) {
  auto config = load_valid_config(args);
  if (!config) return kExitUsage;
  auto store = open_store(*config);
  if (!store) return kExitConnection;
  auto runs = store->runs(1);
  if (!runs) return fail(kExitConnection, runs.error().message);
  auto open = store->errors(0, 1000000);
  if (!open) return fail(kExitConnection, open.error().message);
  std::map<std::string, int64_t> open_by_flow;
  for (const RecordError& e : *open) ++open_by_flow[e.flow];

  Array flows_json;
  Table t({"flow", "source", "target", "mode", "synced records", "cursor", "open errors"});
  for (const FlowConfig& f : config->flows) {
    auto n = store->count_id_map(f.name);
    auto cur = store->cursor(f.name);
    if (!n || !cur) return fail(kExitConnection, (!n ? n.error() : cur.error()).message);
    std::string cursor = *cur ? (*cur)->value.to_text() : "-";
    t.add({f.name, f.source.connection + "/" + f.source.object,
           f.target.connection + "/" + f.target.object, std::string(to_string(f.mode)),
           format_count(*n), cursor, format_count(open_by_flow[f.name])});
    flows_json.push_back(Value(Object{{"flow", Value(f.name)},
                                      {"synced", Value(*n)},
                                      {"cursor", *cur ? (*cur)->value : Value()},
                                      {"open_errors", Value(open_by_flow[f.name])}}));
  }
  if (args.json) {
    print_json(Value(Object{{"last_run", runs->empty() ? Value() : run_json(runs->front())},
                            {"flows", Value(std::move(flows_json))}}));
    return kExitOk;
  }
  if (runs->empty()) {
    outf("last run: none yet\n");
  } else {
    const RunInfo& r = runs->front();
    outf("last run: %lld %s, started %s%s\n", static_cast<long long>(r.id),
         std::string(to_string(r.status)).c_str(), format_time(r.started_at).c_str(),
         r.message.empty() ? "" : ("; " + r.message).c_str());
  }
  outf("state: %s\n\n%s", config->state.path.c_str(), t.render().c_str());
  return kExitOk;
}

}  // namespace crmsync::cli
