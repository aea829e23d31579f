#pragma once

#include "core/library_versions.h"

namespace crmsync {

void add_sqlite_library_versions(LibraryVersions& out);  // SQLite (the loaded library)

}  // namespace crmsync
