#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/terminal.h"
#include "config/loader.h"
#include "connectors/registry.h"
#include "engine/validator.h"
#include "state/open_state_store.h"

namespace crmsync::cli {

int fail(int code, const std::string& message) {
  print_error(message);
  return code;
}

LoadResult load_config(const Args& args) {
  LoadResult loaded = load_config_file(args.config, process_env(), args.params);
  for (const ConnectionConfig& c : loaded.config.connections) register_connection_secrets(c);
  return loaded;
}

std::optional<Config> load_valid_config(const Args& args) {
  LoadResult loaded = load_config(args);
  Diagnostics errors = loaded.diagnostics;
  if (errors.empty()) {
    ValidationResult v = validate_config(loaded.config, false);
    errors = v.errors;
  }
  if (!errors.empty()) {
    for (const Diagnostic& d : errors) errf("%s\n", d.to_string().c_str());
    print_error(std::to_string(errors.size()) + " error" + (errors.size() == 1 ? "" : "s") +
                " in " + args.config + "; nothing was synced");
    return std::nullopt;
  }
  return std::move(loaded.config);
}

std::unique_ptr<StateStore> open_store(const Config& config) {
  auto store = open_state_store(config.state);
  if (!store) {
    fail(kExitConnection, store.error().message);
    return nullptr;
  }
  return std::move(*store);
}

}  // namespace crmsync::cli
