#include "mapping/lua_expression.h"

#include <lua.hpp>

namespace crmsync::mapping {
namespace {

constexpr int kInstructionBudget = 1000000;

void runaway_hook(lua_State* L, lua_Debug*) {
  luaL_error(L, "script ran too long (stopped)");
}

void push_value(lua_State* L, const Value& v) {
  switch (v.type()) {
    case ValueType::null:
      lua_pushnil(L);
      return;
    case ValueType::boolean:
      lua_pushboolean(L, v.as_bool());
      return;
    case ValueType::integer:
      lua_pushinteger(L, v.as_int());
      return;
    case ValueType::decimal:
      if (auto i = v.as_decimal().to_int64()) {
        lua_pushinteger(L, *i);
      } else {
        lua_pushnumber(L, v.as_decimal().to_double());
      }
      return;
    case ValueType::array: {
      lua_createtable(L, static_cast<int>(v.as_array().size()), 0);
      int i = 1;
      for (const Value& e : v.as_array()) {
        push_value(L, e);
        lua_rawseti(L, -2, i++);
      }
      return;
    }
    case ValueType::object:
      lua_createtable(L, 0, static_cast<int>(v.as_object().size()));
      for (const Member& m : v.as_object()) {
        push_value(L, m.value);
        lua_setfield(L, -2, m.key.c_str());
      }
      return;
    default: {
      std::string t = v.to_text();
      lua_pushlstring(L, t.data(), t.size());
      return;
    }
  }
}

Value to_value(lua_State* L, int idx, int depth) {
  switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
      return Value(lua_toboolean(L, idx) != 0);
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) return Value(static_cast<int64_t>(lua_tointeger(L, idx)));
      if (auto d = Decimal::from_double(lua_tonumber(L, idx))) return Value(*d);
      return Value();
    case LUA_TSTRING: {
      size_t n;
      const char* s = lua_tolstring(L, idx, &n);
      return Value(std::string(s, n));
    }
    case LUA_TTABLE: {
      if (depth > 32) return Value();
      idx = lua_absindex(L, idx);
      lua_Integer len = static_cast<lua_Integer>(lua_rawlen(L, idx));
      if (len > 0) {
        Array out;
        for (lua_Integer i = 1; i <= len; ++i) {
          lua_rawgeti(L, idx, i);
          out.push_back(to_value(L, -1, depth + 1));
          lua_pop(L, 1);
        }
        return Value(std::move(out));
      }
      Object out;
      lua_pushnil(L);
      while (lua_next(L, idx) != 0) {
        lua_pushvalue(L, -2);
        std::string key = lua_tostring(L, -1) ? lua_tostring(L, -1) : "";
        lua_pop(L, 1);
        out.push_back(Member{key, to_value(L, -1, depth + 1)});
        lua_pop(L, 1);
      }
      return Value(std::move(out));
    }
    default:
      return Value();
  }
}

}  // namespace

Result<std::shared_ptr<LuaExpression>> LuaExpression::compile(const std::string& code) {
  std::shared_ptr<LuaExpression> e(new LuaExpression());
  e->L_ = luaL_newstate();
  if (e->L_ == nullptr) return Error(ErrorKind::fatal, "cannot start Lua");
  lua_State* L = e->L_;
  static const luaL_Reg kLibs[] = {{LUA_GNAME, luaopen_base},
                                   {LUA_STRLIBNAME, luaopen_string},
                                   {LUA_MATHLIBNAME, luaopen_math},
                                   {LUA_TABLIBNAME, luaopen_table},
                                   {LUA_UTF8LIBNAME, luaopen_utf8}};
  for (const luaL_Reg& lib : kLibs) {
    luaL_requiref(L, lib.name, lib.func, 1);
    lua_pop(L, 1);
  }
  // The base library brings loaders and file access: take them out.
  for (const char* name : {"dofile", "loadfile", "load", "require", "collectgarbage"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  // A bare expression ("rec.Name:upper()") or a chunk with its own return:
  // try the expression form first, then the code as written.
  std::string expr = "return (" + code + ")";
  if (luaL_loadbufferx(L, expr.data(), expr.size(), "=lua", "t") != LUA_OK) {
    lua_pop(L, 1);
    if (luaL_loadbufferx(L, code.data(), code.size(), "=lua", "t") != LUA_OK) {
      std::string msg = lua_tostring(L, -1);
      return Error(ErrorKind::fatal, "Lua: " + msg);
    }
  }
  e->fn_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
  return e;
}

LuaExpression::~LuaExpression() {
  if (L_) lua_close(L_);
}

Result<Value> LuaExpression::eval(const Record& record) {
  lua_State* L = L_;
  lua_createtable(L, 0, static_cast<int>(record.size()));
  for (size_t i = 0; i < record.size(); ++i) {
    push_value(L, record.value(i));
    lua_setfield(L, -2, record.name(i).c_str());
  }
  lua_setglobal(L, "rec");
  lua_rawgeti(L, LUA_REGISTRYINDEX, fn_ref_);
  lua_sethook(L, runaway_hook, LUA_MASKCOUNT, kInstructionBudget);
  int rc = lua_pcall(L, 0, 1, 0);
  lua_sethook(L, nullptr, 0, 0);
  if (rc != LUA_OK) {
    std::string msg = lua_tostring(L, -1) ? lua_tostring(L, -1) : "error";
    lua_settop(L, 0);
    return Error(ErrorKind::rejected, "Lua: " + msg);
  }
  Value v = to_value(L, -1, 0);
  lua_settop(L, 0);
  return v;
}

}  // namespace crmsync::mapping
