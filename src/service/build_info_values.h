#pragma once

namespace crmsync::service {

// Set by CMake (build_info_values.cc.in in the build directory).
extern const char* const kBuildVersion;
extern const char* const kBuildCommit;
extern const char* const kBuildType;
extern const bool kBuildSanitizers;
// Libraries without a runtime version call: the versions built against.
extern const char* const kBuildYamlCppVersion;
extern const char* const kBuildOdbcVersion;

}  // namespace crmsync::service
