#include "core/library_versions.h"

#include <simdjson.h>

// SIMDJSON_VERSION is bare tokens (3.0.1): stringified in two steps.
#define CRMSYNC_STRINGIFY_(x) #x
#define CRMSYNC_STRINGIFY(x) CRMSYNC_STRINGIFY_(x)

namespace crmsync {

void add_core_library_versions(LibraryVersions& out) {
  out.push_back({"simdjson", CRMSYNC_STRINGIFY(SIMDJSON_VERSION)});
}

}  // namespace crmsync
