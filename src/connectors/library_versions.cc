#include "connectors/library_versions.h"

#include <libpq-fe.h>
#include <mysql.h>

namespace crmsync {

void add_connector_library_versions(LibraryVersions& out) {
  // PQlibVersion(): major * 10000 + minor since PostgreSQL 10.
  int pq = PQlibVersion();
  out.push_back({"libpq", std::to_string(pq / 10000) + "." + std::to_string(pq % 10000)});
  out.push_back({"MariaDB client", mysql_get_client_info()});
}

}  // namespace crmsync
