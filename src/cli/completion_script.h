#pragma once

#include <optional>
#include <string>

namespace crmsync::cli {

// The completion script for "bash", "zsh" or "fish" (nullopt for another
// shell), generated from the command table, so the completions never drift
// from --help. The scripts complete flow and connection names by calling
// `crmsync [-c FILE] __complete flows|connections`, which reads the config
// (./crmsync.yaml or the -c on the line being completed).
std::optional<std::string> completion_script(const std::string& shell);

}  // namespace crmsync::cli
