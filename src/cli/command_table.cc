#include "cli/command_table.h"

#include "cli/commands.h"

namespace crmsync::cli {
namespace {

int run_validate(const Args& a) {
  return cmd_validate(a, false);
}
int run_check(const Args& a) {
  return cmd_validate(a, true);
}

const OptionDef kAllowDeletes = {
    "--allow-deletes", "FLOW", "let FLOW delete more than its max_deletes this once (repeatable)"};
const OptionDef kFull = {"--full", "", "ignore cursors and read everything"};
const OptionDef kWait = {"--wait", "[DURATION]",
                         "wait (30s, 5m, 1h; none: no limit) for flows another process runs, "
                         "instead of refusing"};
const OptionDef kLimit = {"--limit", "N", "rows to show"};

// The order is the order of `crmsync --help`: first use, daily use, service,
// inspection, tools.
const std::vector<CommandDef>& table() {
  static const std::vector<CommandDef> kCommands = {
      {"init",
       "[DIR]",
       "write an example config and sample data (CSV -> SQLite)",
       "Writes crmsync.yaml, sample CSV files and an empty SQLite target into DIR (default: "
       "the current folder), ready for `crmsync run`. Never overwrites a file unless --force.",
       {{"--force", "", "overwrite the example files"}},
       "crmsync init myproject && cd myproject && crmsync run",
       cmd_init,
       Completes::kDirectories},
      {"validate",
       "",
       "check the config; every error with file:line:key",
       "Reads the config (and the files it names) without connecting anywhere and prints every "
       "error at once, each with file:line:key and a did-you-mean where one helps. Exit code 2 "
       "when the config has errors.",
       {},
       "crmsync validate -c /etc/crmsync/crmsync.yaml",
       run_validate},
      {"check",
       "",
       "validate, then connect to every system and check the mapped fields",
       "Validates the config, then logs in to every connection and checks that each mapped "
       "field exists in its object with a type the mapping can write.",
       {},
       "crmsync check",
       run_check},
      {"setup",
       "[FLOW...]",
       "create what the flows' targets lack (custom fields)",
       "Creates the custom fields the flows' targets lack and lists what only a person can add "
       "(pipeline stages, picklist values). All flows by default.",
       {{"--check", "", "report only; change nothing"}},
       "crmsync setup --check\ncrmsync setup",
       cmd_setup,
       Completes::kFlows},
      {"discover",
       "CONNECTION [OBJECT...]",
       "a connection's objects and their fields",
       "Lists a connection's objects (tables, views, files, API objects) and their fields with "
       "type, nullable and key; all objects by default.",
       {},
       "crmsync discover warehouse customers",
       cmd_discover,
       Completes::kConnections},
      {"plan",
       "[FLOW...]",
       "dry run: what a run would create/update/skip/delete",
       "Reads like a run and computes every change, but writes nothing: counts per flow and the "
       "first changes with their field values before and after.",
       {kFull,
        {"--diffs", "N", "changes to show per flow (default 10)"},
        kAllowDeletes,
        {"--no-progress", "", "no live progress line"}},
       "crmsync plan --diffs 2",
       cmd_plan,
       Completes::kFlows},
      {"run",
       "[FLOW...]",
       "sync the flows (all by default), in dependency order",
       "Syncs the named flows (all by default), parents before children, skipping what did "
       "not change since the last run. Exit code 0: everything synced; 1: some records failed "
       "(see `crmsync errors`); 3: a connection failed and a flow stopped.",
       {kFull,
        {"--create-fields", "", "run `crmsync setup` first"},
        kAllowDeletes,
        kWait,
        {"--no-progress", "", "no live progress line"}},
       "crmsync run\ncrmsync run loans --json",
       cmd_run,
       Completes::kFlows},
      {"serve",
       "",
       "run every flow's trigger until SIGTERM, with the JSON API",
       "Runs every flow's trigger (cron and interval schedules, CDC) as durable jobs until "
       "SIGTERM, and answers the JSON API, /healthz, /readyz and /metrics on --listen. SIGHUP "
       "reloads the config. The way to run crmsync in production (docs/service.md).",
       {{"--listen", "HOST:PORT", "the API's address (default 127.0.0.1:8765; port 0: any)"},
        {"--workers", "N", "runs at once (default 1; never two of one flow)"},
        {"--tls-cert", "FILE", "PEM certificate; with --tls-key the API speaks HTTPS only"},
        {"--tls-key", "FILE", "PEM private key"}},
       "crmsync serve -c /etc/crmsync/crmsync.yaml --listen 127.0.0.1:8765",
       cmd_serve},
      {"watch",
       "",
       "CDC flows: catch up, then sync each change as it comes",
       "For flows with `trigger: {cdc: true}`: a cursor run, then syncs each change the source "
       "reports (Salesforce CDC) until Ctrl-C.",
       {{"--flow", "FLOW", "watch only this flow (repeatable)"}},
       "crmsync watch --flow loans",
       cmd_watch},
      {"status",
       "",
       "last run, and per flow: trigger, cursor, records, open errors",
       "The last run, and per flow: trigger, last run and success, cursor, synced records, "
       "open errors, and the run that holds it now.",
       {},
       "crmsync status --json",
       cmd_status},
      {"history",
       "",
       "past runs (and queued jobs) with their trigger and counts",
       "Past runs and queued jobs, newest first, with their trigger and counts.",
       {kLimit,
        {"--flow", "FLOW", "only runs of this flow"},
        {"--status", "STATUS", "only runs with this status (succeeded, failed, ...)"}},
       "crmsync history --limit 5",
       cmd_history},
      {"inbox",
       "",
       "serve's webhook inbox: events waiting per flow, refused deliveries",
       "The webhook inbox of `crmsync serve` as the state store holds it (the same numbers as "
       "GET /api/v1/inbox): per flow, the events waiting, how long the oldest has waited and "
       "the drained counts; refused deliveries by connection and reason (docs/webhooks.md).",
       {},
       "crmsync inbox --json",
       cmd_inbox},
      {"errors",
       "[RUN]",
       "failed records: all open ones, or those of one run",
       "The failed records with their flow, source id and the target's answer: all open ones, "
       "or those of run RUN.",
       {kLimit},
       "crmsync errors 12",
       cmd_errors},
      {"retry",
       "[RUN]",
       "queue failed records again and retry them now",
       "Queues the failed records (of run RUN, or all open ones) again and retries them now.",
       {kWait},
       "crmsync retry 12",
       cmd_retry},
      {"connect",
       "CONNECTION",
       "log a Salesforce connection in through a browser",
       "For a Salesforce connection with auth: web_server: prints the login URL, waits for the "
       "browser's redirect on 127.0.0.1:redirect_port and stores the refresh token encrypted "
       "in the state store (needs CRMSYNC_SECRET_KEY: base64 of 32 bytes).",
       {{"--timeout-secs", "N", "how long to wait for the browser's redirect (default 300)"}},
       "crmsync connect salesforce",
       cmd_connect,
       Completes::kConnections},
      {"spec",
       "[TYPE]",
       "JSON Schema of the config file, or one connector's reference",
       "Without TYPE: the JSON Schema of the config file. With a connector type: that "
       "connector's options (type, default, description, secret).",
       {},
       "crmsync spec salesforce",
       cmd_spec,
       Completes::kWords,
       {"file", "sqlite", "postgres", "mysql", "odbc", "salesforce", "pipedrive", "rest"}},
      {"sandbox",
       "salesforce|pipedrive|siagh|payamgostar",
       "run a local Salesforce, Pipedrive, Siagh or Payamgostar emulator",
       "Runs a local, stateful emulator of the system's API until Ctrl-C, for tests and "
       "rehearsals; `crmsync sandbox salesforce --help` and `crmsync sandbox pipedrive --help` "
       "list their options and admin endpoints (so do `crmsync sandbox siagh --help` and `crmsync "
       "sandbox payamgostar --help`).",
       {{"--port", "N", "port on 127.0.0.1 (0 picks a free one; default 0)"},
        {"--seed-records", "N", "generate N records"}},
       "crmsync sandbox pipedrive --port 8080",
       cmd_sandbox,
       Completes::kWords,
       {"salesforce", "pipedrive", "siagh", "payamgostar"}},
      {"completion",
       "bash|zsh|fish",
       "print the shell completion script",
       "Prints the completion script for the shell; it completes commands, options, and flow "
       "and connection names from the config in the current folder. Installed packages put "
       "them in place already.",
       {},
       "source <(crmsync completion bash)\ncrmsync completion fish > "
       "~/.config/fish/completions/crmsync.fish",
       cmd_completion,
       Completes::kWords,
       {"bash", "zsh", "fish"}},
      {"version",
       "",
       "crmsync's version, commit, build type and library versions",
       "Prints crmsync's version, the git commit it was built from, the build type and the "
       "versions of the libraries it runs with (the same as `crmsync --version`).",
       {},
       "crmsync version --json",
       cmd_version},
      {"help",
       "[COMMAND]",
       "this overview, or one command's help",
       "Without COMMAND: the list of commands. With one: its usage, options and an example "
       "(the same as `crmsync COMMAND --help`).",
       {},
       "crmsync help run",
       cmd_help,
       Completes::kCommands},
  };
  return kCommands;
}

const std::vector<OptionDef> kGlobal = {
    {"-c, --config", "FILE",
     "config file (default ./crmsync.yaml); the state store defaults to a SQLite file beside it"},
    {"--json", "", "machine-readable output (one JSON document on stdout)"},
    {"--param", "NAME=VALUE", "a value for the config's params: (repeatable), ${param.NAME}"},
    {"-q, --quiet", "", "print only errors (and the --json document)"},
    {"--no-color", "", "no colour (also NO_COLOR=1); colour is only used on a terminal"},
    {"-h, --help", "", "show help (crmsync COMMAND --help: that command's)"},
    {"--version", "", "version, commit, build type and library versions"},
};

}  // namespace

std::span<const CommandDef> commands() {
  return table();
}

std::span<const OptionDef> global_options() {
  return kGlobal;
}

const CommandDef* find_command(const std::string& name) {
  for (const CommandDef& c : table()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

std::vector<std::string> all_option_names() {
  std::vector<std::string> names;
  auto add = [&](const OptionDef& o) {
    std::string flag = o.flag;
    size_t dd = flag.find("--");
    if (dd != std::string::npos) names.push_back(flag.substr(dd + 2));
  };
  for (const OptionDef& o : kGlobal) add(o);
  for (const CommandDef& c : table()) {
    for (const OptionDef& o : c.options) add(o);
  }
  return names;
}

}  // namespace crmsync::cli
