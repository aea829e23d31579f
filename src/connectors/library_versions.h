#pragma once

#include "core/library_versions.h"

namespace crmsync {

// The SQL client libraries as loaded: libpq and the MariaDB client (unixODBC,
// whose version needs a driver connection to ask, is in service/build_info.cc
// as built against).
void add_connector_library_versions(LibraryVersions& out);

}  // namespace crmsync
