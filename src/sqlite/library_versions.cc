#include "sqlite/library_versions.h"

#include <sqlite3.h>

namespace crmsync {

void add_sqlite_library_versions(LibraryVersions& out) {
  out.push_back({"SQLite", sqlite3_libversion()});
}

}  // namespace crmsync
