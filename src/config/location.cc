#include "config/location.h"

namespace crmsync {

std::string Location::to_string() const {
  std::string out = file.empty() ? std::string("<config>") : file;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  if (!key.empty()) out += ": " + key;
  return out;
}

std::string Diagnostic::to_string() const {
  return location.to_string() + ": " + message;
}

}  // namespace crmsync
