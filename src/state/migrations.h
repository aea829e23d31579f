#pragma once

#include "state/sqlite_db.h"

namespace crmsync {

// Brings the schema to the newest version this build knows; refuses a file
// written by a newer build.
Status migrate(SqliteDb& db);

}  // namespace crmsync
