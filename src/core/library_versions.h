#pragma once

#include <string>
#include <vector>

namespace crmsync {

// A library crmsync links, and the version it runs with (the loaded shared
// library's own answer where it tells one, else the version built against).
// `crmsync --version` and GET /api/v1/version list them, so that a bug report
// names the libcurl or OpenSSL in use.
struct LibraryVersion {
  std::string name;
  std::string version;
};
using LibraryVersions = std::vector<LibraryVersion>;

// Each layer adds the libraries it links (service/build_info.cc calls them all).
void add_core_library_versions(LibraryVersions& out);  // simdjson

}  // namespace crmsync
