#pragma once

#include <filesystem>
#include <string>

#include "config/config.h"

namespace crmsync {

// Typed reads of a validated OptionSet (defaults already filled in).
inline std::string option_text(const OptionSet& o, const char* name, std::string def = "") {
  const Value* v = o.get(name);
  return v && !v->is_null() ? v->to_text() : def;
}
inline bool option_bool(const OptionSet& o, const char* name, bool def) {
  const Value* v = o.get(name);
  return v && v->is_bool() ? v->as_bool() : def;
}
inline int64_t option_int(const OptionSet& o, const char* name, int64_t def) {
  const Value* v = o.get(name);
  return v && v->is_int() ? v->as_int() : def;
}
// A path option resolved against the config's directory.
inline std::string option_path(const OptionSet& o, const char* name, const std::string& base,
                               std::string def = "") {
  std::filesystem::path p = option_text(o, name, def);
  if (p.is_relative()) p = std::filesystem::path(base) / p;
  return p.lexically_normal().string();
}

}  // namespace crmsync
