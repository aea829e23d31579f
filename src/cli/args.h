#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace crmsync::cli {

// Exit codes, documented in `crmsync --help` and docs/cli.md.
enum ExitCode : int {
  kExitOk = 0,             // everything synced
  kExitRecordsFailed = 1,  // the run finished but some records failed
  kExitUsage = 2,          // config or command-line error
  kExitConnection = 3,     // a connection failed (unreachable, auth, setup): a flow stopped
};

// Parsed command line: `crmsync [global options] COMMAND [args] [options]`.
struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::string config = "crmsync.yaml";
  bool json = false;
  bool help = false;
  bool version = false;   // --version
  bool quiet = false;     // -q, --quiet: only errors (and the --json document)
  bool no_color = false;  // --no-color (NO_COLOR in the environment says the same)
  bool full = false;
  bool force = false;
  bool no_progress = false;
  bool create_fields = false;  // run: `crmsync setup` first
  bool check = false;          // setup: report only
  // run --wait [DURATION]: wait for flows another run holds; "" = no limit.
  std::optional<std::string> wait;
  std::map<std::string, std::string> params;  // --param NAME=VALUE (repeatable)
  std::map<std::string, std::string> values;  // --limit N, --diffs N (the last one given)
  // Every value of each option in order, for repeatable ones (--pipeline).
  std::map<std::string, std::vector<std::string>> all_values;

  // Integer option with a default; error text when not a number in range.
  std::optional<long> int_option(const std::string& name, long def, long min, long max,
                                 std::string& error) const;
};

// "30s", "5m", "2h", "1h30m" (config/duration.h), in micros; nullopt when
// not a positive duration.
std::optional<int64_t> parse_duration_micros(const std::string& text);

// Parses argv; on error returns nullopt and sets `error` (and `hint`, when
// given, to a did-you-mean or where to look). The options that take a value
// are those of the command table (command_table.cc) and the sandboxes'.
std::optional<Args> parse_args(int argc, char** argv, std::string& error,
                               std::string* hint = nullptr);

}  // namespace crmsync::cli
