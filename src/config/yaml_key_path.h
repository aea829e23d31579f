#pragma once

#include <string>
#include <string_view>

namespace crmsync {

// The dotted path of the nearest block-mapping key at or above `line`
// (0-based) of YAML `text`, read from indentation alone: "flows.loans.source"
// for an error inside that block. Used for YAML syntax errors, where the
// parser gives a line and column but no tree to ask. List items add no path
// segment; flow-style collections ({...}, [...]) are not descended into.
// Empty when no key precedes the line.
std::string yaml_key_path_at(std::string_view text, int line);

}  // namespace crmsync
