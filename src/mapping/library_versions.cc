#include "mapping/library_versions.h"

#include <lua.h>

namespace crmsync {

void add_mapping_library_versions(LibraryVersions& out) {
  // LUA_RELEASE is "Lua 5.4.4".
  std::string release = LUA_RELEASE;
  out.push_back({"Lua", release.rfind("Lua ", 0) == 0 ? release.substr(4) : release});
}

}  // namespace crmsync
