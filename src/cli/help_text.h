#pragma once

#include <string>

#include "cli/command_table.h"

namespace crmsync::cli {

// `crmsync --help`: what crmsync is, the commands, the global options, the
// exit codes. From the command table (command_table.cc).
std::string overview_help();
// `crmsync COMMAND --help`: its usage, what it does, its options, an example.
std::string command_help(const CommandDef& command);
// "crmsync run [FLOW...] [OPTIONS]"
std::string usage_line(const CommandDef& command);
// `text` wrapped at `width` columns, every line after the first indented by
// `indent` spaces (the first is the caller's).
std::string wrap(const std::string& text, size_t width, size_t indent);

// The one-line description of crmsync, the man page's NAME.
inline constexpr const char* kTagline =
    "keep records in step between CRMs, finance systems and databases";
// Exit codes, as the overview and the man page list them: code, meaning.
struct ExitCodeDoc {
  int code;
  const char* meaning;
};
inline constexpr ExitCodeDoc kExitCodeDocs[] = {
    {0, "everything synced"},
    {1,
     "the run finished but some records failed (see crmsync errors), or a flow's deletes were "
     "withheld (read errors, or more than its max_deletes), or another process runs one of its "
     "flows (nothing synced; --wait waits)"},
    {2, "config or command-line error; nothing was synced"},
    {3, "a connection failed (unreachable, credentials, setup); a flow stopped"},
};

}  // namespace crmsync::cli
