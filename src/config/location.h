#pragma once

#include <string>
#include <vector>

namespace crmsync {

// Where something was written in a config file, for error messages of the
// form `crmsync.yaml:12:5: flows.loans.mapping.stage: ...`.
struct Location {
  std::string file;
  int line = 0;     // 1-based; 0 when unknown
  int column = 0;   // 1-based; 0 when unknown
  std::string key;  // dotted path of the key, e.g. "flows.loans.source.filter"

  std::string to_string() const;  // "file:line:column: key"
};

// One problem found in a config. `validate` collects all of them.
struct Diagnostic {
  Location location;
  std::string message;
  std::string to_string() const;  // "file:line:column: key: message"
};

using Diagnostics = std::vector<Diagnostic>;

}  // namespace crmsync
