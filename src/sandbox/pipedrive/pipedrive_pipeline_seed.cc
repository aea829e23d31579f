#include "sandbox/pipedrive/pipedrive_pipeline_seed.h"

namespace crmsync::sandbox::pipedrive {

namespace {
std::string trimmed(std::string_view s) {
  size_t b = s.find_first_not_of(' ');
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(' ');
  return std::string(s.substr(b, e - b + 1));
}
}  // namespace

Result<PipelineSeed> parse_pipeline_seed(std::string_view text) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    return Error(ErrorKind::rejected,
                 "expected NAME=Stage A,Stage B,..., got '" + std::string(text) + "'");
  }
  PipelineSeed seed;
  seed.name = trimmed(text.substr(0, eq));
  if (seed.name.empty()) return Error(ErrorKind::rejected, "the pipeline name is empty");
  std::string_view rest = text.substr(eq + 1);
  for (size_t at = 0; at <= rest.size();) {
    size_t comma = rest.find(',', at);
    if (comma == std::string_view::npos) comma = rest.size();
    std::string stage = trimmed(rest.substr(at, comma - at));
    if (stage.empty()) {
      return Error(ErrorKind::rejected, "pipeline '" + seed.name + "': stage " +
                                            std::to_string(seed.stages.size() + 1) +
                                            " has no name");
    }
    seed.stages.push_back(std::move(stage));
    at = comma + 1;
  }
  return seed;
}

}  // namespace crmsync::sandbox::pipedrive
