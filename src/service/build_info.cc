#include "service/build_info.h"

#include "connectors/library_versions.h"
#include "core/json.h"
#include "mapping/library_versions.h"
#include "net/library_versions.h"
#include "service/build_info_values.h"
#include "sqlite/library_versions.h"

namespace crmsync::service {

const BuildInfo& build_info() {
  static const BuildInfo kInfo = [] {
    BuildInfo info;
    info.version = kBuildVersion;
    info.commit = *kBuildCommit != '\0' ? kBuildCommit : "unknown";
    info.build_type = *kBuildType != '\0' ? kBuildType : "unknown";
    info.sanitizers = kBuildSanitizers;
    net::add_net_library_versions(info.libraries);
    add_sqlite_library_versions(info.libraries);
    add_connector_library_versions(info.libraries);
    info.libraries.push_back({"unixODBC", kBuildOdbcVersion});
    info.libraries.push_back({"yaml-cpp", kBuildYamlCppVersion});
    add_mapping_library_versions(info.libraries);
    add_core_library_versions(info.libraries);
    return info;
  }();
  return kInfo;
}

std::string build_info_text(const BuildInfo& info) {
  std::string text = "crmsync " + info.version + " (commit " + info.commit + ", " +
                     info.build_type +
                     (info.sanitizers ? ", test build: AddressSanitizer + UBSan" : "") + ")\n";
  size_t width = 0;
  for (const LibraryVersion& l : info.libraries) width = std::max(width, l.name.size());
  for (const LibraryVersion& l : info.libraries) {
    text += "  " + l.name + std::string(width + 2 - l.name.size(), ' ') + l.version + "\n";
  }
  return text;
}

std::string build_info_json(const BuildInfo& info) {
  Object libraries;
  for (const LibraryVersion& l : info.libraries) libraries.push_back({l.name, Value(l.version)});
  return to_json(Value(Object{{"version", Value(info.version)},
                              {"commit", Value(info.commit)},
                              {"build_type", Value(info.build_type)},
                              {"sanitizers", Value(info.sanitizers)},
                              {"libraries", Value(std::move(libraries))}}));
}

}  // namespace crmsync::service
