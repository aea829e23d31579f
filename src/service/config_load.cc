#include "service/config_load.h"

#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "config/loader.h"
#include "connectors/registry.h"
#include "engine/validator.h"

namespace crmsync::service {

ConfigLoad load_service_config(const std::string& path,
                               const std::map<std::string, std::string>& params) {
  LoadResult loaded = load_config_file(path, process_env(), params);
  // Before anything can print an error that quotes an option.
  for (const ConnectionConfig& c : loaded.config.connections) register_connection_secrets(c);
  ConfigLoad out;
  out.errors = loaded.diagnostics;
  if (out.errors.empty()) out.errors = validate_config(loaded.config, false).errors;
  if (out.errors.empty()) out.config = std::make_shared<const Config>(std::move(loaded.config));
  return out;
}

FileFingerprint fingerprint_file(const std::string& path) {
  FileFingerprint f;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return f;
  std::ifstream in(path, std::ios::binary);
  if (!in) return f;
  std::stringstream content;
  content << in.rdbuf();
  f.exists = true;
  f.size = static_cast<uint64_t>(st.st_size);
  f.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  f.content_hash = std::hash<std::string>{}(content.str());
  return f;
}

}  // namespace crmsync::service
