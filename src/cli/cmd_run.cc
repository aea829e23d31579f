#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/progress_line.h"
#include "core/json.h"
#include "engine/engine.h"
#include "engine/flow_locks.h"

namespace crmsync::cli {
namespace {

int exit_code(const RunReport& r) {
  for (const auto& [name, f] : r.flows) {
    if (!f.error.empty()) return kExitConnection;
  }
  return r.any_failed_records() || r.any_deletes_withheld() ? kExitRecordsFailed : kExitOk;
}

void print_summary(const RunReport& r, bool dry_run) {
  Table t({"flow", dry_run ? "would: read" : "read", "created", "updated", "skipped", "deleted",
           "failed", "api calls"});
  FlowCounts total;
  for (const std::string& name : r.order) {
    const FlowCounts& c = r.flows.at(name).counts;
    total += c;
    t.add({name, format_count(c.read), format_count(c.created), format_count(c.updated),
           format_count(c.skipped), format_count(c.deleted), format_count(c.failed),
           format_count(c.api_calls)});
  }
  if (r.order.size() > 1) {
    t.add({"total", format_count(total.read), format_count(total.created),
           format_count(total.updated), format_count(total.skipped), format_count(total.deleted),
           format_count(total.failed), format_count(total.api_calls)});
  }
  outf("%s", t.render().c_str());
  std::string calls;
  for (const auto& [conn, n] : r.api_calls_by_connection) {
    calls += (calls.empty() ? "" : ", ") + conn + " " + format_count(static_cast<int64_t>(n));
  }
  if (!calls.empty()) outf("api calls by connection: %s\n", calls.c_str());
  for (const std::string& name : r.order) {
    const FlowReport& f = r.flows.at(name);
    if (!f.error.empty()) outf("flow %s stopped: %s\n", name.c_str(), f.error.c_str());
    if (!f.deletes_withheld.reason.empty()) {
      outf("flow %s: %s\n", name.c_str(), f.deletes_withheld.reason.c_str());
    }
  }
}

Value hold_json(const DeleteHold& h) {
  Object o{{"reason", Value(h.reason)}, {"read_errors", Value(h.read_errors)}};
  if (h.limit >= 0) {
    o.push_back({"deletes", Value(h.would_delete)});
    o.push_back({"limit", Value(h.limit)});
  }
  return Value(std::move(o));
}

void print_plan(const RunReport& r) {
  for (const std::string& name : r.order) {
    const FlowReport& f = r.flows.at(name);
    if (f.planned.empty()) continue;
    outf("\n%s: first %zu change%s\n", name.c_str(), f.planned.size(),
         f.planned.size() == 1 ? "" : "s");
    for (const PlannedChange& c : f.planned) {
      outf("  %s %s%s%s\n", c.action.c_str(), c.source_id.c_str(),
           c.target_id.empty() ? "" : (" -> " + c.target_id).c_str(),
           c.held ? " (held back by max_deletes)" : "");
      for (const auto& field : c.fields) {
        if (field.before.empty()) {
          outf("      %s: %s\n", field.name.c_str(), field.after.c_str());
        } else {
          outf("      %s: %s -> %s\n", field.name.c_str(), field.before.c_str(),
               field.after.c_str());
        }
      }
    }
  }
}

Value report_json(const RunReport& r, bool dry_run) {
  Object flows;
  for (const std::string& name : r.order) {
    const FlowReport& f = r.flows.at(name);
    Value c = counts_json(f.counts);
    if (!f.error.empty()) c.as_object().push_back({"error", Value(f.error)});
    if (!f.deletes_withheld.reason.empty()) {
      c.as_object().push_back({"deletes_withheld", hold_json(f.deletes_withheld)});
    }
    if (dry_run) {
      Array changes;
      for (const PlannedChange& p : f.planned) {
        Array fields;
        for (const auto& fl : p.fields) {
          fields.push_back(Value(Object{
              {"name", Value(fl.name)}, {"before", Value(fl.before)}, {"after", Value(fl.after)}}));
        }
        changes.push_back(Value(Object{{"action", Value(p.action)},
                                       {"source_id", Value(p.source_id)},
                                       {"target_id", Value(p.target_id)},
                                       {"held", Value(p.held)},
                                       {"fields", Value(std::move(fields))}}));
      }
      c.as_object().push_back({"changes", Value(std::move(changes))});
    }
    flows.push_back({name, std::move(c)});
  }
  Object out;
  if (!dry_run) out.push_back({"run_id", Value(r.run_id)});
  out.push_back({"status", Value(std::string(to_string(r.status)))});
  out.push_back({"started_at", Value(DateTime{r.started_at, 0})});
  out.push_back({"ended_at", Value(DateTime{r.ended_at, 0})});
  out.push_back({"flows", Value(std::move(flows))});
  Object calls;
  for (const auto& [conn, n] : r.api_calls_by_connection) {
    calls.push_back({conn, Value(static_cast<int64_t>(n))});
  }
  out.push_back({"api_calls", Value(std::move(calls))});
  return Value(std::move(out));
}

// The run's summary as one JSON line on stderr, for schedulers and log
// collectors (cron mails, journald): start, end, status, parameters, counts
// per flow and the first failures with their messages. Not on a terminal,
// where the table says the same, nor with --json, whose document on stdout
// says it, nor under --quiet; CRMSYNC_LOG=json forces it.
void log_run_summary(const RunReport& r, const Config& config, StateStore& store,
                     const Args& args) {
  const char* force = std::getenv("CRMSYNC_LOG");
  bool forced = force != nullptr && std::string(force) == "json";
  if ((isatty(STDERR_FILENO) || args.json || args.quiet) && !forced) return;
  Object params;
  for (const auto& [k, v] : config.param_values) params.push_back({k, Value(v)});
  Object flows;
  for (const std::string& name : r.order) {
    const FlowReport& f = r.flows.at(name);
    Value c = counts_json(f.counts);
    if (!f.error.empty()) c.as_object().push_back({"error", Value(f.error)});
    if (!f.deletes_withheld.reason.empty()) {
      c.as_object().push_back({"deletes_withheld", hold_json(f.deletes_withheld)});
    }
    flows.push_back({name, std::move(c)});
  }
  Array failures;
  if (auto errors = store.errors(r.run_id, 20)) {
    for (const RecordError& e : *errors) {
      failures.push_back(Value(Object{{"flow", Value(e.flow)},
                                      {"source_id", Value(e.source_id)},
                                      {"message", Value(e.message)}}));
    }
  } else {
    failures.push_back(Value(
        Object{{"message", Value("cannot read the run's errors: " + errors.error().message)}}));
  }
  Value line(Object{{"event", Value("run_finished")},
                    {"run_id", Value(r.run_id)},
                    {"status", Value(std::string(to_string(r.status)))},
                    {"started_at", Value(DateTime{r.started_at, 0})},
                    {"ended_at", Value(DateTime{r.ended_at, 0})},
                    {"config", Value(config.file)},
                    {"params", Value(std::move(params))},
                    {"flows", Value(std::move(flows))},
                    {"failures", Value(std::move(failures))}});
  errf("%s\n", to_json(line).c_str());
}

int run_engine(const Args& args, RunOptions options) {
  auto config = load_valid_config(args);
  if (!config) return kExitUsage;
  if (args.create_fields && !options.dry_run) {
    if (int code = run_setup(*config, args, true, true); code != kExitOk) return code;
  }
  auto store = open_store(*config);
  if (!store) return kExitConnection;
  SystemClock clock;
  ProgressLine progress(!args.json && !args.no_progress && !args.quiet && isatty(STDERR_FILENO));
  SyncEngine engine(*config, *store, clock, &progress);
  auto report = engine.run(options);
  if (!report) {
    // The config was validated above, so what remains is a flow selection
    // that names no flow (usage), a flow locked by another run, or a
    // connection that cannot be opened.
    // A flow another run holds (crmsync serve, another crmsync run): refused, exit 1.
    int code = report.error().message.rfind("no flow named", 0) == 0 ? kExitUsage
               : is_lock_refusal(report.error())                     ? kExitRecordsFailed
                                                                     : kExitConnection;
    return fail(code, report.error().message);
  }
  if (!options.dry_run) log_run_summary(*report, *config, *store, args);
  if (args.json) {
    print_json(report_json(*report, options.dry_run));
  } else {
    if (!options.dry_run) {
      outf("run %lld %s in %s\n", static_cast<long long>(report->run_id),
           std::string(to_string(report->status)).c_str(),
           format_duration(report->ended_at - report->started_at).c_str());
    } else {
      outf("plan (dry run: nothing was written)\n");
    }
    print_summary(*report, options.dry_run);
    if (options.dry_run) print_plan(*report);
    if (options.dry_run) {
      for (const std::string& name : report->order) {
        const DeleteHold& h = report->flows.at(name).deletes_withheld;
        if (!h.reason.empty()) outf("\n%s: a run would hold back its deletes\n", name.c_str());
      }
    }
    if (!options.dry_run && report->any_failed_records()) {
      outf("see the failed records with: crmsync errors %lld\n",
           static_cast<long long>(report->run_id));
    }
  }
  return exit_code(*report);
}

}  // namespace

int cmd_run(const Args& args) {
  RunOptions o;
  o.flows = args.positional;
  o.full = args.full;
  if (args.wait) o.lock_wait_micros = args.wait->empty() ? -1 : *parse_duration_micros(*args.wait);
  if (auto it = args.all_values.find("allow-deletes"); it != args.all_values.end()) {
    o.allow_deletes = it->second;
  }
  return run_engine(args, o);
}

int cmd_plan(const Args& args) {
  std::string err;
  auto diffs = args.int_option("diffs", 10, 0, 100000, err);
  if (!diffs) return fail(kExitUsage, err);
  RunOptions o;
  o.flows = args.positional;
  o.full = args.full;
  o.dry_run = true;
  o.max_diffs = static_cast<size_t>(*diffs);
  if (auto it = args.all_values.find("allow-deletes"); it != args.all_values.end()) {
    o.allow_deletes = it->second;
  }
  return run_engine(args, o);
}

int cmd_retry(const Args& args) {
  auto config = load_valid_config(args);
  if (!config) return kExitUsage;
  int64_t run_id = 0;
  if (!args.positional.empty()) {
    try {
      run_id = std::stoll(args.positional[0]);
    } catch (...) {
      return fail(kExitUsage,
                  "retry takes a run id (see crmsync history), got '" + args.positional[0] + "'");
    }
  }
  {
    auto store = open_store(*config);
    if (!store) return kExitConnection;
    SystemClock clock;
    auto n = store->requeue_errors(run_id, clock.now_micros());
    if (!n) return fail(kExitConnection, n.error().message);
    if (!args.json) outf("%lld failed record(s) queued for retry\n", static_cast<long long>(*n));
  }
  RunOptions o;
  o.retry_only = true;
  o.trigger = "retry";
  if (args.wait) o.lock_wait_micros = args.wait->empty() ? -1 : *parse_duration_micros(*args.wait);
  return run_engine(args, o);
}

}  // namespace crmsync::cli
