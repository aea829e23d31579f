#pragma once

#include "config/spec.h"

namespace crmsync {

// Adds the options every SQL server connector has to its spec: the
// connection's connect_timeout_secs and create_tables, and the source
// options `query` and `params` (read a query instead of a table).
void add_sql_connection_options(ComponentSpec& spec);

}  // namespace crmsync
