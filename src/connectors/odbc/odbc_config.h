#pragma once

#include <cstdint>
#include <string>

#include "connectors/odbc/odbc_dialect.h"
#include "connectors/registry.h"

namespace crmsync {

struct OdbcConfig {
  std::string driver;             // a name in odbcinst.ini ("FreeTDS") or a driver library path
  std::string dsn;                // or a data source in odbc.ini
  std::string connection_string;  // or everything at once; the options below are appended
  std::string host;
  std::string port;
  std::string database;
  std::string user;
  std::string password;  // secret
  std::string schema;    // empty: the driver's default
  OdbcDialect dialect = OdbcDialect::generic;
  int64_t connect_timeout_secs = 10;
  bool create_tables = false;
};

ComponentSpec odbc_spec();
void register_odbc_connector(ConnectorRegistry& registry);

}  // namespace crmsync
