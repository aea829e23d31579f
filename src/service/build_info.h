#pragma once

#include <string>

#include "core/library_versions.h"

namespace crmsync::service {

// What this binary is: `crmsync --version` prints it and GET /api/v1/version
// answers it. The commit is read when CMake configures (a "-dirty" suffix
// when tracked files had changes then); "unknown" outside a git checkout.
struct BuildInfo {
  std::string version;      // the CMake project version, "0.1.0"
  std::string commit;       // "56aba6e0c1d2" or "56aba6e0c1d2-dirty"
  std::string build_type;   // "Release", "RelWithDebInfo"
  bool sanitizers = false;  // the test build (AddressSanitizer + UBSan)
  LibraryVersions libraries;
};

const BuildInfo& build_info();

// The text of `crmsync --version`: a first line "crmsync 0.1.0 (commit ...,
// Release)" and one line per library.
std::string build_info_text(const BuildInfo& info);

// The JSON object of `crmsync version --json` and GET /api/v1/version:
// {"version", "commit", "build_type", "sanitizers", "libraries": {name: version}}.
std::string build_info_json(const BuildInfo& info);

}  // namespace crmsync::service
