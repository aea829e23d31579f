#pragma once

#include "connectors/registry.h"

namespace crmsync {

struct SqliteConfig {
  std::string path;
  bool create_tables = true;
  int64_t busy_timeout_ms = 5000;
  std::string journal_mode = "wal";
};

ComponentSpec sqlite_spec();
void register_sqlite_connector(ConnectorRegistry& registry);

}  // namespace crmsync
