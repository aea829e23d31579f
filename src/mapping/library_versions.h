#pragma once

#include "core/library_versions.h"

namespace crmsync {

void add_mapping_library_versions(LibraryVersions& out);  // Lua

}  // namespace crmsync
