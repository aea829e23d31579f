#include "connectors/file/file_config.h"
#include "connectors/mysql/mysql_config.h"
#include "connectors/odbc/odbc_config.h"
#include "connectors/pipedrive/pipedrive_config.h"
#include "connectors/postgres/postgres_config.h"
#include "connectors/registry.h"
#include "connectors/rest/rest_config.h"
#include "connectors/salesforce/salesforce_config.h"
#include "connectors/sqlite/sqlite_config.h"

namespace crmsync {

// Every connector, listed explicitly (STYLE.md: ClickHouse's registerStorages).
void register_connectors(ConnectorRegistry& registry) {
  register_file_connector(registry);
  register_salesforce_connector(registry);
  register_pipedrive_connector(registry);
  register_sqlite_connector(registry);
  register_postgres_connector(registry);
  register_mysql_connector(registry);
  register_odbc_connector(registry);
  register_rest_connector(registry);
}

}  // namespace crmsync
