#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"

namespace crmsync::cli {

// `errors` lists every open error (pending retry or parked); `errors RUN`
// lists what failed in that run, including what was resolved since.
int cmd_errors(const Args& args) {
  std::string err;
  auto limit = args.int_option("limit", 100, 1, 1000000, err);
  if (!limit) return fail(kExitUsage, err);
  int64_t run_id = 0;
  if (!args.positional.empty()) {
    try {
      size_t used = 0;
      run_id = std::stoll(args.positional[0], &used);
      if (used != args.positional[0].size() || run_id <= 0) throw std::invalid_argument("");
    } catch (...) {
      return fail(kExitUsage,
                  "errors takes a run id (see crmsync history), got '" + args.positional[0] + "'");
    }
  }
  auto config = load_valid_config(args);
  if (!config) return kExitUsage;
  auto store = open_store(*config);
  if (!store) return kExitConnection;
  auto errors = store->errors(run_id, static_cast<size_t>(*limit));
  if (!errors) return fail(kExitConnection, errors.error().message);
  if (args.json) {
    Array out;
    for (const RecordError& e : *errors) {
      out.push_back(Value(Object{
          {"id", Value(e.id)},
          {"run_id", Value(e.run_id)},
          {"flow", Value(e.flow)},
          {"record", Value(e.source_id)},
          {"kind", Value(std::string(to_string(e.kind)))},
          {"status", Value(std::string(to_string(e.status)))},
          {"outcome_unknown", Value(e.outcome_unknown)},
          {"attempts", Value(int64_t{e.attempts})},
          {"next_attempt_at", e.next_attempt_at ? Value(DateTime{e.next_attempt_at, 0}) : Value()},
          {"message", Value(e.message)},
          {"payload", Value(e.payload)}}));
    }
    print_json(Value(std::move(out)));
    return kExitOk;
  }
  if (errors->empty()) {
    outf(run_id ? "run %lld had no failed records\n" : "no open errors\n",
         static_cast<long long>(run_id));
    return kExitOk;
  }
  Table t({"run", "flow", "record", "kind", "status", "attempts", "message"});
  for (const RecordError& e : *errors) {
    std::string msg = e.message;
    if (msg.size() > 160) msg = msg.substr(0, 157) + "...";
    t.add({std::to_string(e.run_id), e.flow, e.source_id, std::string(to_string(e.kind)),
           std::string(display_status(e)), std::to_string(e.attempts), msg});
  }
  outf("%s", t.render().c_str());
  outf("retry them with: crmsync retry%s\n", run_id ? (" " + std::to_string(run_id)).c_str() : "");
  return kExitOk;
}

}  // namespace crmsync::cli
