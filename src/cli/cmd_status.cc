// `crmsync status`: per flow what starts it, how its last runs went, where
// its cursor is, and whether a run holds it now. The same data as the
// API's GET /flows (StateStore::flow_last_runs, flow_locks).
#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/time.h"

namespace crmsync::cli {
namespace {

std::string trigger_text(const TriggerConfig& t) {
  std::string out;
  if (!t.schedule.empty()) {
    out = t.schedule;
    if (t.timezone != "UTC") out += " (" + t.timezone + ")";
  }
  if (t.cdc) out += out.empty() ? "cdc" : " + cdc";
  return out.empty() ? "manual" : out;
}

Value time_json(int64_t micros) {
  return micros ? Value(DateTime{micros, 0}) : Value();
}

}  // namespace

int cmd_status(const Args& args) {
  auto config = load_valid_config(args);
  if (!config) return kExitUsage;
  auto store = open_store(*config);
  if (!store) return kExitConnection;
  auto runs = store->runs(size_t{1});
  if (!runs) return fail(kExitConnection, runs.error().message);
  auto last_runs = store->flow_last_runs();
  if (!last_runs) return fail(kExitConnection, last_runs.error().message);
  auto locks = store->flow_locks();
  if (!locks) return fail(kExitConnection, locks.error().message);
  std::map<std::string, FlowLockHolder> running;
  for (const FlowLockHolder& h : *locks) running[h.flow] = h;
  auto open = store->errors(0, 1000000);
  if (!open) return fail(kExitConnection, open.error().message);
  std::map<std::string, int64_t> open_by_flow;
  for (const RecordError& e : *open) ++open_by_flow[e.flow];

  Array flows_json;
  Table t(
      {"flow", "trigger", "last run", "last success", "cursor", "synced records", "open errors"});
  for (const FlowConfig& f : config->flows) {
    auto n = store->count_id_map(f.name);
    auto cur = store->cursor(f.name);
    if (!n || !cur) return fail(kExitConnection, (!n ? n.error() : cur.error()).message);
    std::string cursor = *cur ? (*cur)->value.to_text() : "-";
    auto last = last_runs->find(f.name);
    bool ran = last != last_runs->end();
    std::string last_text = "-";
    Value last_json;
    if (ran) {
      const FlowLastRun& l = last->second;
      last_text = std::to_string(l.run_id) + " " + std::string(to_string(l.status));
      if (l.ended_at) last_text += " " + format_time(l.ended_at);
      last_json = Value(Object{{"run_id", Value(l.run_id)},
                               {"status", Value(std::string(to_string(l.status)))},
                               {"ended_at", time_json(l.ended_at)}});
    }
    int64_t success = ran ? last->second.last_success_at : 0;
    t.add({f.name, trigger_text(f.trigger), last_text, success ? format_time(success) : "never",
           cursor, format_count(*n), format_count(open_by_flow[f.name])});
    Value running_json;
    if (auto h = running.find(f.name); h != running.end()) {
      running_json = Value(Object{{"owner", Value(h->second.owner)},
                                  {"run_id", Value(h->second.run_id)},
                                  {"since", time_json(h->second.since)}});
    }
    flows_json.push_back(
        Value(Object{{"flow", Value(f.name)},
                     {"trigger", Value(Object{{"text", Value(trigger_text(f.trigger))},
                                              {"schedule", Value(f.trigger.schedule)},
                                              {"timezone", Value(f.trigger.timezone)},
                                              {"cdc", Value(f.trigger.cdc)},
                                              {"manual", Value(f.trigger.manual)}})},
                     {"last_run", std::move(last_json)},
                     {"last_success_at", time_json(success)},
                     {"cursor", *cur ? (*cur)->value : Value()},
                     {"synced", Value(*n)},
                     {"open_errors", Value(open_by_flow[f.name])},
                     {"running", std::move(running_json)}}));
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
    int64_t when = r.started_at ? r.started_at : r.queued_at;
    outf("last run: %lld %s, %s %s%s\n", static_cast<long long>(r.id),
         std::string(to_string(r.status)).c_str(), r.started_at ? "started" : "queued",
         format_time(when).c_str(), r.message.empty() ? "" : ("; " + r.message).c_str());
  }
  outf("state: %s\n\n%s", config->state.display().c_str(), t.render().c_str());
  for (const FlowConfig& f : config->flows) {
    auto h = running.find(f.name);
    if (h == running.end()) continue;
    outf("flow %s: running now in %s (run %lld, since %s)\n", f.name.c_str(),
         h->second.owner.c_str(), static_cast<long long>(h->second.run_id),
         format_time(h->second.since).c_str());
  }
  return kExitOk;
}

}  // namespace crmsync::cli
