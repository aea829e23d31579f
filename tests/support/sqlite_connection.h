#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "connectors/registry.h"
#include "support/temp_dir.h"

namespace crmsync::testing {

// The sqlite connector on `t.db` in `dir`, as a config would open it;
// `more` adds options (e.g. create_tables: false).
inline std::unique_ptr<Connection> open_sqlite_connection(const TempDir& dir, Object more = {}) {
  Object options{{"path", Value("t.db")}};
  for (Member& m : more) options.push_back(std::move(m));
  ConnectionConfig c;
  c.name = "db";
  c.type = "sqlite";
  c.options.values = Value(std::move(options));
  auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{dir.path().string()});
  EXPECT_TRUE(conn.ok()) << (conn.ok() ? "" : conn.error().message);
  return conn.ok() ? std::move(*conn) : nullptr;
}

}  // namespace crmsync::testing
