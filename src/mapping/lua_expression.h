#pragma once

#include <memory>
#include <string>

#include "core/record.h"
#include "core/result.h"

struct lua_State;

namespace crmsync::mapping {

// The escape hatch for what the built-in transforms cannot say: a Lua 5.4
// chunk (or a bare expression) that sees the source record as `rec` and
// returns the value. Only the string, math, table and utf8 libraries are
// loaded (no io, os, require or load), and a runaway script is stopped
// after a million instructions. Compiled once; one Lua state per mapping.
class LuaExpression {
 public:
  static Result<std::shared_ptr<LuaExpression>> compile(const std::string& code);
  ~LuaExpression();
  Result<Value> eval(const Record& record);

 private:
  LuaExpression() = default;
  lua_State* L_ = nullptr;
  int fn_ref_ = 0;
};

}  // namespace crmsync::mapping
