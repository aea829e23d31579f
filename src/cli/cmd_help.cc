// `crmsync help`, `crmsync version`, `crmsync completion` and the hidden
// helpers the completions and the build call (`__complete`, `__man`).
#include "cli/cmd_help.h"

#include "cli/commands.h"
#include "cli/completion_script.h"
#include "cli/help_text.h"
#include "cli/man_page.h"
#include "cli/output.h"
#include "cli/terminal.h"
#include "config/loader.h"
#include "service/build_info.h"

namespace crmsync::cli {

int unknown_command(const std::string& name) {
  std::vector<std::string> names;
  for (const CommandDef& c : commands()) names.push_back(c.name);
  std::string suggestion = did_you_mean(name, names);
  print_error("unknown command '" + name + "'",
              suggestion.empty() ? "crmsync --help lists the commands" : suggestion);
  return kExitUsage;
}

int cmd_help(const Args& args) {
  if (args.positional.empty()) {
    outf("%s", overview_help().c_str());
    return kExitOk;
  }
  const CommandDef* command = find_command(args.positional[0]);
  if (command == nullptr) return unknown_command(args.positional[0]);
  outf("%s", command_help(*command).c_str());
  return kExitOk;
}

int cmd_version(const Args& args) {
  const service::BuildInfo& info = service::build_info();
  if (args.json) {
    print_json_text(service::build_info_json(info));
  } else {
    outf("%s", service::build_info_text(info).c_str());
  }
  return kExitOk;
}

int cmd_completion(const Args& args) {
  if (args.positional.size() != 1) {
    print_error("completion takes one shell: bash, zsh or fish",
                "source <(crmsync completion bash)");
    return kExitUsage;
  }
  auto script = completion_script(args.positional[0]);
  if (!script) {
    print_error("no completion for shell '" + args.positional[0] + "'",
                "the shells are bash, zsh and fish");
    return kExitUsage;
  }
  outf("%s", script->c_str());
  return kExitOk;
}

int complete_names(const Args& args) {
  // Completion must never print an error into the shell: a config that does
  // not load (or a ${ENV} unset here) gives the names it has, or none.
  if (args.positional.size() != 1) return kExitUsage;
  LoadResult loaded = load_config_file(args.config, process_env(), args.params);
  const std::string& what = args.positional[0];
  if (what == "flows") {
    for (const FlowConfig& f : loaded.config.flows) outf("%s\n", f.name.c_str());
  } else if (what == "connections") {
    for (const ConnectionConfig& c : loaded.config.connections) outf("%s\n", c.name.c_str());
  } else {
    return kExitUsage;
  }
  return kExitOk;
}

int print_man_page(const Args&) {
  outf("%s", man_page(service::build_info().version).c_str());
  return kExitOk;
}

}  // namespace crmsync::cli
