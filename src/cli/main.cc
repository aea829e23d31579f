#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "cli/output.h"
#include "state/state_store.h"

namespace {

const char* kUsage = R"(crmsync: keep records in step between CRMs, finance systems and databases

usage: crmsync [-c FILE] COMMAND [ARGS] [OPTIONS]

commands:
  init [DIR]            write an example config and sample data (CSV -> SQLite)
  validate              check the config; every error with file:line:key
  check                 validate, then connect to every system and check the mapped fields
  setup [FLOW...]       create what the flows' targets lack (custom fields); list what
                        only a person can add (stages); --check: report only
  discover CONNECTION [OBJECT...]
                        a connection's objects (tables, views, files, API objects) and
                        their fields: type, nullable, key (all objects by default)
  plan [FLOW...]        dry run: what a run would create/update/skip/delete (writes nothing)
  run [FLOW...]         sync the flows (all by default), in dependency order;
                        --create-fields: run setup first
  serve                 run every flow's trigger (schedules, CDC) until SIGTERM, with
                        the JSON API on --listen (default 127.0.0.1:8765); SIGHUP
                        reloads the config; the way to run crmsync in production
  watch [--flow F]...   flows with `trigger: {cdc: true}`: a cursor run, then sync each
                        change the source reports (Salesforce CDC) until Ctrl-C
  status                last run, and per flow: trigger, last run and success, cursor,
                        synced records, open errors, the run that holds it now
  history               past runs (and queued jobs) with their trigger and counts;
                        --flow F, --status S filter them
  inbox                 serve's webhook inbox: events waiting per flow, the oldest one's
                        age, drained counts; refused deliveries by connection and reason
  errors [RUN]          failed records: all open ones, or those of one run
  retry [RUN]           queue failed records (of one run, or all) again and retry them now
  spec [TYPE]           JSON Schema of the config file, or the reference of one connector
  connect CONNECTION    log a Salesforce connection with auth: web_server in through a
                        browser (prints the URL, waits for the redirect on 127.0.0.1:
                        redirect_port) and store its refresh token encrypted in the state
                        store (needs CRMSYNC_SECRET_KEY: base64 of 32 bytes)
  sandbox pipedrive     run a local Pipedrive emulator until Ctrl-C (v1 at /v1, v2 at
                        /api/v2, admin at /__admin: reset, requests, counters, faults,
                        limits; POST/PATCH/DELETE /__admin/{persons,...} edit as a user);
                        `crmsync sandbox pipedrive --help` lists its options
  sandbox salesforce    run a local Salesforce emulator until Ctrl-C; `crmsync sandbox
                        salesforce --help` lists its options and admin endpoints

options:
  -c, --config FILE     config file (default ./crmsync.yaml); the state store defaults to
                        a SQLite file beside it
  --json                machine-readable output (one JSON document on stdout)
  --param NAME=VALUE    a value for the config's params: (repeatable), used as ${param.NAME}
  --full                run/plan: ignore cursors and read everything
  --diffs N             plan: changes to show per flow (default 10)
  --allow-deletes FLOW  run/plan: let FLOW delete more than its max_deletes this once
                        (repeatable)
  --limit N             history/errors: rows to show
  --wait [DURATION]     run/retry: wait (30s, 5m, 1h; none: no limit) for flows another
                        process runs, instead of refusing
  --no-progress         run: no live progress line
  --listen HOST:PORT    serve: the API's address (default 127.0.0.1:8765; port 0: any)
  --workers N           serve: runs at once (default 1; never two of one flow)
  --tls-cert FILE       serve: PEM certificate; with --tls-key the API speaks HTTPS only
  --tls-key FILE        serve: PEM private key
  --timeout-secs N      connect: how long to wait for the browser's redirect (default 300)
  --force               init: overwrite the example files
  --port N              sandbox: port on 127.0.0.1 (0 picks a free one; default 0)
  --seed-records N      sandbox: generate N persons, organizations and deals
  --api-token T         sandbox: the token it accepts (default demo-token)
  --burst-limit N       sandbox: requests per rolling 2 s per token (default 40; 0 off)
  --search-burst-limit N  sandbox: searches per 2 s (default 10; 0 off)
  --daily-budget N      sandbox: daily token budget (default 60000; 0 off)
  --faults JSON         sandbox: {"rate_429":0.05,"rate_500":0,"rate_503":0.1,
                        "reset_rate":0,"latency_ms":0}
  --pipeline "NAME=A,B" sandbox pipedrive: add a pipeline with these stages (repeatable)
  -h, --help            this help

exit codes:
  0  everything synced
  1  the run finished but some records failed (see crmsync errors), or a flow's
     deletes were withheld (read errors, or more than its max_deletes), or another
     process runs one of its flows (nothing synced; --wait waits)
  2  config or command-line error; nothing was synced
  3  a connection failed (unreachable, credentials, setup); a flow stopped
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace crmsync::cli;
  std::string error;
  auto args = parse_args(argc, argv, error);
  if (!args) {
    errf("crmsync: %s\n%s", error.c_str(), kUsage);
    return kExitUsage;
  }
  // `crmsync sandbox salesforce|pipedrive --help` is the sandbox's own help.
  if (args->command == "sandbox" && !args->positional.empty() &&
      (args->positional[0] == "salesforce" || args->positional[0] == "pipedrive")) {
    return cmd_sandbox(*args);
  }
  if (args->help || args->command.empty() || args->command == "help") {
    outf("%s", kUsage);
    return args->command.empty() && !args->help ? kExitUsage : kExitOk;
  }
  const std::string& c = args->command;
  // Who owns the runs and flow locks this process takes ("crmsync serve pid ...").
  crmsync::set_process_role("crmsync " + c);
  if (c == "init") return cmd_init(*args);
  if (c == "validate") return cmd_validate(*args, false);
  if (c == "check") return cmd_validate(*args, true);
  if (c == "plan") return cmd_plan(*args);
  if (c == "run") return cmd_run(*args);
  if (c == "watch") return cmd_watch(*args);
  if (c == "serve") return cmd_serve(*args);
  if (c == "status") return cmd_status(*args);
  if (c == "history") return cmd_history(*args);
  if (c == "inbox") return cmd_inbox(*args);
  if (c == "errors") return cmd_errors(*args);
  if (c == "retry") return cmd_retry(*args);
  if (c == "spec") return cmd_spec(*args);
  if (c == "setup") return cmd_setup(*args);
  if (c == "discover") return cmd_discover(*args);
  if (c == "connect") return cmd_connect(*args);
  if (c == "sandbox") return cmd_sandbox(*args);
  if (c == "version" || c == "--version") {
    outf("crmsync 0.1.0\n");
    return kExitOk;
  }
  errf("crmsync: unknown command '%s'\n%s", c.c_str(), kUsage);
  return kExitUsage;
}
