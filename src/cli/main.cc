#include <string>

#include "cli/cmd_help.h"
#include "cli/command_table.h"
#include "cli/commands.h"
#include "cli/help_text.h"
#include "cli/output.h"
#include "cli/terminal.h"
#include "state/state_store.h"

int main(int argc, char** argv) {
  using namespace crmsync::cli;
  std::string error, hint;
  auto args = parse_args(argc, argv, error, &hint);
  if (!args) {
    configure_colour(false);
    print_error(error, hint.empty() ? "crmsync --help lists the commands and options" : hint);
    return kExitUsage;
  }
  configure_colour(args->no_color);
  set_quiet_output(args->quiet);
  const std::string& c = args->command;
  if (args->version && c.empty()) return cmd_version(*args);
  if (c.empty()) {
    outf("%s", overview_help().c_str());
    return args->help ? kExitOk : kExitUsage;
  }
  // Plumbing for the completion scripts and the build, not in --help.
  if (c == "__complete") return complete_names(*args);
  if (c == "__man") return print_man_page(*args);
  const CommandDef* command = find_command(c);
  if (command == nullptr) return unknown_command(c);
  // `crmsync sandbox salesforce|pipedrive --help` is the sandbox's own help.
  bool sandbox_help = c == "sandbox" && !args->positional.empty() &&
                      (args->positional[0] == "salesforce" || args->positional[0] == "pipedrive");
  if (args->help && !sandbox_help) {
    outf("%s", command_help(*command).c_str());
    return kExitOk;
  }
  // Who owns the runs and flow locks this process takes ("crmsync serve pid ...").
  crmsync::set_process_role("crmsync " + c);
  return command->run(*args);
}
