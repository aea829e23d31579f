#pragma once

#include <string>

#include "cli/args.h"

namespace crmsync::cli {

// "error: unknown command 'NAME'" with a did-you-mean; returns exit code 2.
int unknown_command(const std::string& name);
// `crmsync __complete flows|connections`: the names in the config, one a
// line, for the completion scripts; silent when the config does not load.
int complete_names(const Args& args);
// `crmsync __man`: crmsync(1) in roff, which the build installs.
int print_man_page(const Args& args);

}  // namespace crmsync::cli
