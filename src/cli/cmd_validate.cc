#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/terminal.h"
#include "config/loader.h"
#include "engine/validator.h"

namespace crmsync::cli {

// `validate` checks the config offline; `check` also connects to every
// system and checks the mapped fields against the live schemas.
int cmd_validate(const Args& args, bool connect) {
  LoadResult loaded = load_config(args);
  ValidationResult v;
  v.errors = loaded.diagnostics;
  bool offline_ok = loaded.diagnostics.empty();
  if (offline_ok) {
    v = validate_config(loaded.config, false);
    offline_ok = v.errors.empty();
    if (offline_ok && connect) v = validate_config(loaded.config, true);
  }
  if (args.json) {
    auto list = [](const Diagnostics& ds) {
      Array out;
      for (const Diagnostic& d : ds) {
        out.push_back(Value(Object{{"file", Value(d.location.file)},
                                   {"line", Value(int64_t{d.location.line})},
                                   {"column", Value(int64_t{d.location.column})},
                                   {"key", Value(d.location.key)},
                                   {"message", Value(d.message)}}));
      }
      return Value(std::move(out));
    };
    print_json(Value(Object{{"valid", Value(v.errors.empty())},
                            {"errors", list(v.errors)},
                            {"warnings", list(v.warnings)}}));
  } else {
    // Under --quiet the errors still show: on stderr.
    for (const Diagnostic& d : v.errors) {
      if (args.quiet) {
        errf("%s\n", d.to_string().c_str());
      } else {
        outf("%s\n", d.to_string().c_str());
      }
    }
    for (const Diagnostic& d : v.warnings) {
      outf("%s (warning)\n", d.to_string().c_str());
    }
    if (v.errors.empty()) {
      outf("%s: valid (%zu connection%s, %zu flow%s%s)\n", args.config.c_str(),
           loaded.config.connections.size(), loaded.config.connections.size() == 1 ? "" : "s",
           loaded.config.flows.size(), loaded.config.flows.size() == 1 ? "" : "s",
           connect ? ", every connection reachable" : "");
    } else {
      print_error(args.config + ": " + std::to_string(v.errors.size()) + " error" +
                  (v.errors.size() == 1 ? "" : "s"));
    }
  }
  if (v.errors.empty()) return kExitOk;
  return offline_ok ? kExitConnection : kExitUsage;
}

}  // namespace crmsync::cli
