#pragma once

#include "connectors/file/file_client.h"
#include "connectors/registry.h"

namespace crmsync {

// Options of a `type: file` connection, read once from the validated block.
struct FileConfig {
  std::string dir;
  std::string format = "auto";  // csv | jsonl | auto (by extension)
  char delimiter = ',';
  bool empty_as_null = true;
  bool create_dirs = true;
  TextEncoding encoding = TextEncoding::utf8;  // of the files it reads; writes are UTF-8

  FileFormat format_of(const std::string& object) const;
  std::string path_of(const std::string& object) const;
};

ComponentSpec file_spec();
void register_file_connector(ConnectorRegistry& registry);

}  // namespace crmsync
