#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "config/config.h"

namespace crmsync::service {

// A config as serve uses it: loaded with the process environment and the
// given params, its connections' secrets registered with the redactor, and
// validated as `crmsync validate` does (offline). Shared read-only: a run
// keeps the snapshot it started with while a reload swaps in a new one.
struct ConfigLoad {
  std::shared_ptr<const Config> config;  // null when there are errors
  Diagnostics errors;                    // every problem, as validate prints them
};
ConfigLoad load_service_config(const std::string& path,
                               const std::map<std::string, std::string>& params);

// What "the config file changed" compares: size, modification time and a
// hash of the content (an editor that rewrites the same bytes is no change).
struct FileFingerprint {
  bool exists = false;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t content_hash = 0;
  bool same_content(const FileFingerprint& o) const {
    return exists == o.exists && size == o.size && content_hash == o.content_hash;
  }
};
FileFingerprint fingerprint_file(const std::string& path);

}  // namespace crmsync::service
