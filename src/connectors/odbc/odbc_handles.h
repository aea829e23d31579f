#pragma once

#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#include <memory>
#include <string>
#include <string_view>

namespace crmsync {

// An ODBC handle owned by a unique_ptr: statements are freed, connections
// disconnected and freed, environments freed, in that order by scope.
template <SQLSMALLINT Type>
struct OdbcHandleFree {
  void operator()(SQLHANDLE h) const {
    if constexpr (Type == SQL_HANDLE_DBC) SQLDisconnect(h);
    SQLFreeHandle(Type, h);
  }
};
template <SQLSMALLINT Type>
using OdbcHandle = std::unique_ptr<void, OdbcHandleFree<Type>>;
using OdbcEnv = OdbcHandle<SQL_HANDLE_ENV>;
using OdbcDbc = OdbcHandle<SQL_HANDLE_DBC>;
using OdbcStmt = OdbcHandle<SQL_HANDLE_STMT>;

inline bool odbc_ok(SQLRETURN rc) {
  return rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO;
}

// UTF-8 <-> SQLWCHAR (UTF-16 in unixODBC). The wide API is used for text so
// that the Unicode drivers (psqlodbcw, FreeTDS, sqlite3odbc) never convert
// through the process locale, which would mangle non-ASCII in the C locale.
std::basic_string<SQLWCHAR> to_sqlwchar(std::string_view utf8);
std::string from_sqlwchar(const SQLWCHAR* text, size_t length);

}  // namespace crmsync
