#include "config/config.h"

namespace crmsync {

const ConnectionConfig* Config::connection(std::string_view name) const {
  for (const ConnectionConfig& c : connections) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const FlowConfig* Config::flow(std::string_view name) const {
  for (const FlowConfig& f : flows) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string_view to_string(SyncMode mode) {
  switch (mode) {
    case SyncMode::upsert:
      return "upsert";
    case SyncMode::update:
      return "update";
    case SyncMode::insert:
      return "insert";
    case SyncMode::mirror:
      return "mirror";
  }
  return "upsert";
}

}  // namespace crmsync

namespace crmsync {

std::string state_url_password(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  size_t authority = scheme + 3;
  size_t at = url.find('@', authority);
  size_t slash = url.find('/', authority);
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) return {};
  size_t colon = url.find(':', authority);
  if (colon == std::string_view::npos || colon > at) return {};
  return std::string(url.substr(colon + 1, at - colon - 1));
}

std::string StateConfig::display() const {
  if (type != "postgres") return path;
  std::string out = url;
  std::string password = state_url_password(url);
  if (!password.empty()) {
    size_t at = out.find(":" + password + "@");
    if (at != std::string::npos) out.erase(at, password.size() + 1);
  }
  return out;
}

}  // namespace crmsync
