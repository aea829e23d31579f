#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace crmsync::sandbox::pipedrive {

// A pipeline the sandbox adds at start and after every admin reset, beside
// the default "Sales pipeline" (`--pipeline "Loans=Application,Funded"`).
struct PipelineSeed {
  std::string name;
  std::vector<std::string> stages;  // in order; at least one
};

// "NAME=Stage A,Stage B": rejected error saying what is wrong when the name
// or a stage is empty or there is no '='.
Result<PipelineSeed> parse_pipeline_seed(std::string_view text);

}  // namespace crmsync::sandbox::pipedrive
