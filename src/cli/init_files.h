#pragma once

#include <string>
#include <vector>

namespace crmsync::cli {

struct InitFile {
  std::string path;  // relative to the init directory
  std::string content;
};

// The example project `crmsync init` writes: a config and its sample data.
std::vector<InitFile> init_files();

}  // namespace crmsync::cli
