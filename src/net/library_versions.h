#pragma once

#include "core/library_versions.h"

namespace crmsync::net {

// libcurl, OpenSSL and zlib as loaded; Boost (header-only) as built against.
void add_net_library_versions(LibraryVersions& out);

}  // namespace crmsync::net
