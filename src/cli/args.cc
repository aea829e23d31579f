#include "cli/args.h"

#include <set>

#include "cli/command_table.h"
#include "config/duration.h"
#include "config/loader.h"

namespace crmsync::cli {

std::optional<long> Args::int_option(const std::string& name, long def, long min, long max,
                                     std::string& error) const {
  auto it = values.find(name);
  if (it == values.end()) return def;
  try {
    size_t used = 0;
    long v = std::stol(it->second, &used);
    if (used == it->second.size() && v >= min && v <= max) return v;
  } catch (...) {
    // reported below
  }
  error = "--" + name + " takes a whole number from " + std::to_string(min) + " to " +
          std::to_string(max) + ", got '" + it->second + "'";
  return std::nullopt;
}

std::optional<int64_t> parse_duration_micros(const std::string& text) {
  // The config's durations ("30s", "5m", "1h30m"), so `--wait` reads as
  // `catch_up:` and `jitter:` do.
  auto micros = crmsync::parse_duration_micros(text);
  if (!micros || *micros <= 0) return std::nullopt;
  return *micros;
}

namespace {

// The long options that take a value: the command table's, and the sandboxes'
// own (their --help lists them: cmd_sandbox.cc, cmd_sandbox_salesforce.cc).
std::set<std::string> table_options(bool with_value);

std::set<std::string> valued_options() {
  std::set<std::string> valued = {"limit",
                                  "flow",
                                  "status",
                                  "allow-deletes",
                                  "diffs",
                                  "port",
                                  "seed-records",
                                  "data",
                                  "schema",
                                  "username",
                                  "password",
                                  "client-id",
                                  "client-secret",
                                  "session-timeout-secs",
                                  "daily-api-limit",
                                  "rate-429",
                                  "rate-500",
                                  "rate-503",
                                  "latency-ms",
                                  "session-expiry-every-secs",
                                  "bulk-page-records",
                                  "jwt-cert",
                                  "timeout-secs",

                                  "api-token",
                                  "burst-limit",
                                  "search-burst-limit",
                                  "daily-budget",
                                  "faults",
                                  "pipeline",
                                  "oauth-client-id",
                                  "oauth-client-secret",
                                  "listen",
                                  "workers",
                                  "tls-cert",
                                  "tls-key",
                                  "host",
                                  "user",
                                  "session-idle-secs",
                                  "fiscal-year",
                                  "token-ttl-secs",
                                  "lockout-after",
                                  "lockout-secs",
                                  "unlicensed",
                                  "webhook"};
  valued.merge(table_options(true));
  return valued;
}

// The command table's long options that take a value (with_value), or its
// switches: a command added to the table needs no edit here.
std::set<std::string> table_options(bool with_value) {
  std::set<std::string> out;
  auto add = [&](const OptionDef& o) {
    std::string flag = o.flag;
    size_t dd = flag.find("--");
    bool valued = *o.value != '\0' && *o.value != '[';
    if (dd != std::string::npos && valued == with_value) out.insert(flag.substr(dd + 2));
  };
  for (const OptionDef& o : global_options()) add(o);
  for (const CommandDef& c : commands()) {
    for (const OptionDef& o : c.options) add(o);
  }
  return out;
}

void unknown_option(const std::string& word, const std::set<std::string>& valued,
                    std::string& error, std::string* hint) {
  error = "unknown option '" + word + "'";
  if (hint == nullptr) return;
  std::vector<std::string> names = all_option_names();
  names.insert(names.end(), valued.begin(), valued.end());
  std::string name = word.substr(0, word.find('='));
  for (std::string& n : names) n = "--" + n;
  std::string suggestion = did_you_mean(name, names);
  *hint = suggestion.empty() ? "crmsync COMMAND --help lists a command's options" : suggestion;
}

}  // namespace

std::optional<Args> parse_args(int argc, char** argv, std::string& error, std::string* hint) {
  const std::set<std::string> kValued = valued_options();
  const std::set<std::string> kSwitches = table_options(false);
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    auto take_value = [&](const std::string& name) -> std::optional<std::string> {
      if (i + 1 >= argc) {
        error = name + " needs a value";
        return std::nullopt;
      }
      return std::string(argv[++i]);
    };
    if (s == "-c" || s == "--config") {
      auto v = take_value(s);
      if (!v) return std::nullopt;
      a.config = *v;
    } else if (s.rfind("--config=", 0) == 0) {
      a.config = s.substr(9);
    } else if (s == "--json") {
      a.json = true;
    } else if (s == "-h" || s == "--help") {
      a.help = true;
    } else if (s == "--version") {
      a.version = true;
    } else if (s == "-q" || s == "--quiet") {
      a.quiet = true;
    } else if (s == "--no-color" || s == "--no-colour") {
      a.no_color = true;
    } else if (s == "--full") {
      a.full = true;
    } else if (s == "--force") {
      a.force = true;
    } else if (s == "--no-progress") {
      a.no_progress = true;
    } else if (s == "--create-fields") {
      a.create_fields = true;
    } else if (s == "--check") {
      a.check = true;
    } else if (s == "--wait" || s.rfind("--wait=", 0) == 0) {
      // The duration is optional: the next word is one only when it reads
      // as one (`--wait accounts` waits without limit for flow accounts).
      if (s != "--wait") {
        a.wait = s.substr(7);
        if (!parse_duration_micros(*a.wait)) {
          error = "--wait takes a duration (30s, 5m, 1h), got '" + *a.wait + "'";
          return std::nullopt;
        }
      } else if (i + 1 < argc && parse_duration_micros(argv[i + 1])) {
        a.wait = argv[++i];
      } else {
        a.wait = "";
      }
    } else if (s == "--param" || s.rfind("--param=", 0) == 0) {
      std::optional<std::string> v;
      if (s == "--param") {
        v = take_value(s);
        if (!v) return std::nullopt;
      } else {
        v = s.substr(8);
      }
      size_t eq = v->find('=');
      if (eq == std::string::npos || eq == 0) {
        error = "--param takes NAME=VALUE, got '" + *v + "'";
        return std::nullopt;
      }
      std::string name = v->substr(0, eq);
      if (a.params.count(name)) {
        error = "--param " + name + " is given twice";
        return std::nullopt;
      }
      a.params[name] = v->substr(eq + 1);
    } else if (s.rfind("--", 0) == 0 && s.size() > 2) {
      std::string name = s.substr(2);
      std::string value;
      size_t eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else if (kValued.count(name)) {
        auto v = take_value(s);
        if (!v) return std::nullopt;
        value = *v;
      }
      if (!kValued.count(name) && !kSwitches.count(name)) {
        unknown_option(s, kValued, error, hint);
        return std::nullopt;
      }
      a.values[name] = value;
      a.all_values[name].push_back(value);
    } else if (s.size() > 1 && s[0] == '-') {
      unknown_option(s, kValued, error, hint);
      return std::nullopt;
    } else if (a.command.empty()) {
      a.command = s;
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

}  // namespace crmsync::cli
