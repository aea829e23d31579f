#include "config/config.h"

namespace crmsync {

const ConnectionConfig* Config::connection(std::string_view name) const {
  for (const ConnectionConfig& c : connections) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const FlowConfig* Config::flow(std::string_view name) const {
  for (const FlowConfig& f : flows) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string_view to_string(SyncMode mode) {
  switch (mode) {
    case SyncMode::upsert:
      return "upsert";
    case SyncMode::update:
      return "update";
    case SyncMode::insert:
      return "insert";
    case SyncMode::mirror:
      return "mirror";
  }
  return "upsert";
}

}  // namespace crmsync
