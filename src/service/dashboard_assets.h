#pragma once

#include <string_view>
#include <vector>

namespace crmsync::service {

// One file of the built dashboard (web/, bundled by esbuild at build time
// and compiled into the binary by web/embed.cmake: no Node and no files
// at run time).
struct DashboardAsset {
  std::string_view path;          // "/index.html", "/assets/app.js", ...
  std::string_view content_type;  // with charset for text
  std::string_view body;
};

// Every built file; defined in the generated dashboard_assets_data.cc.
const std::vector<DashboardAsset>& dashboard_assets();

}  // namespace crmsync::service
