#pragma once

#include <memory>
#include <optional>

#include "cli/args.h"
#include "config/config.h"
#include "config/loader.h"
#include "state/state_store.h"

namespace crmsync::cli {

int cmd_init(const Args& args);
int cmd_validate(const Args& args, bool connect);
int cmd_plan(const Args& args);
int cmd_run(const Args& args);
// `crmsync watch` (cmd_watch.cc).
int cmd_watch(const Args& args);
// `crmsync serve` (cmd_serve.cc).
int cmd_serve(const Args& args);
int cmd_status(const Args& args);
int cmd_history(const Args& args);
// `crmsync inbox` (cmd_inbox.cc): serve's webhook inbox and refused deliveries.
int cmd_inbox(const Args& args);
int cmd_errors(const Args& args);
int cmd_retry(const Args& args);
int cmd_spec(const Args& args);
// `crmsync connect CONNECTION`: the OAuth web-server flow (cmd_connect.cc).
int cmd_connect(const Args& args);
int cmd_setup(const Args& args);
int cmd_discover(const Args& args);
// Checks (apply=false) or prepares (apply=true) the flows' targets; prints
// the findings (only problems and changes when quiet_when_ready). Exit code.
int run_setup(const Config& config, const Args& args, bool apply, bool quiet_when_ready);
int cmd_sandbox(const Args& args);
// cmd_help.cc: `crmsync help [COMMAND]`, `crmsync version`, `crmsync completion SHELL`.
int cmd_help(const Args& args);
int cmd_version(const Args& args);
int cmd_completion(const Args& args);
// `crmsync sandbox salesforce` (cmd_sandbox_salesforce.cc).
int run_salesforce_sandbox(const Args& args);
// `crmsync sandbox siagh` and `crmsync sandbox payamgostar` (cmd_sandbox_siagh.cc,
// cmd_sandbox_payamgostar.cc): the two systems of story S1.
int run_siagh_sandbox(const Args& args);
int run_payamgostar_sandbox(const Args& args);

// Shared by the commands: the loaded, valid config (diagnostics printed and
// nullopt otherwise) and its state store.
std::optional<Config> load_valid_config(const Args& args);
// The config as loaded (diagnostics not printed), its connections' secret
// options registered with the redactor before anything is printed.
LoadResult load_config(const Args& args);
std::unique_ptr<StateStore> open_store(const Config& config);

// Prints "error: <message>" to stderr (cli/terminal.h) and returns `code`.
int fail(int code, const std::string& message);

}  // namespace crmsync::cli
