#pragma once

#include <span>
#include <string>
#include <vector>

#include "cli/args.h"

namespace crmsync::cli {

// One command-line option as --help, the completions and the man page show it.
struct OptionDef {
  const char* flag;   // "--diffs" or "-c, --config"
  const char* value;  // "N", "FILE"; "" for a switch
  const char* help;   // one line
};

// What a command's positional words are, for the shell completions.
enum class Completes { kNothing, kFlows, kConnections, kWords, kDirectories, kCommands };

// One `crmsync` command. The table of them (command_table.cc) is the single
// source of `crmsync --help`, `crmsync COMMAND --help`, the bash/zsh/fish
// completions and crmsync(1); main.cc dispatches through it. Adding a
// command is one entry there (and its function in commands.h).
struct CommandDef {
  const char* name;
  const char* args;     // after the name in the usage line: "[FLOW...]"
  const char* summary;  // one line for the command list
  const char* details;  // paragraphs for the command's own help and the man page
  std::vector<OptionDef> options;
  const char* example;  // one or more command lines, "\n"-separated
  int (*run)(const Args& args);
  Completes completes = Completes::kNothing;
  std::vector<const char*> words;  // positional words when completes == kWords
};

// Every command, in the order the help lists them.
std::span<const CommandDef> commands();
// The options every command takes (-c, --json, --param, --help, ...).
std::span<const OptionDef> global_options();
// The command named `name`, or nullptr.
const CommandDef* find_command(const std::string& name);
// Every option's long name (without "--"), global ones included, for
// did-you-mean on an unknown option.
std::vector<std::string> all_option_names();

}  // namespace crmsync::cli
