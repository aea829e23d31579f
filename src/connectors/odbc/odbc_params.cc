#include <cstdio>

#include "connectors/odbc/odbc_client.h"
#include "core/json.h"

namespace crmsync {

namespace {

// SQLite compares times as text: write them as its own datetime() does
// (`YYYY-MM-DD HH:MM:SS[.ffffff]`, UTC) so that cursor comparisons with
// values SQLite wrote itself order correctly.
std::string sqlite_time_text(const DateTime& t) {
  int64_t secs = t.floor_to_second_utc().micros / 1000000;
  int64_t frac = t.micros - secs * 1000000;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", y, m, d,
                static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60));
  std::string s = buf;
  if (frac) {
    std::snprintf(buf, sizeof buf, ".%06d", static_cast<int>(frac));
    s += buf;
  }
  return s;
}

SQL_TIMESTAMP_STRUCT timestamp_struct(const DateTime& t) {
  int64_t secs = t.floor_to_second_utc().micros / 1000000;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  SQL_TIMESTAMP_STRUCT ts{};
  ts.year = static_cast<SQLSMALLINT>(y);
  ts.month = static_cast<SQLUSMALLINT>(m);
  ts.day = static_cast<SQLUSMALLINT>(d);
  ts.hour = static_cast<SQLUSMALLINT>(rem / 3600);
  ts.minute = static_cast<SQLUSMALLINT>(rem / 60 % 60);
  ts.second = static_cast<SQLUSMALLINT>(rem % 60);
  ts.fraction = static_cast<SQLUINTEGER>((t.micros - secs * 1000000) * 1000);  // nanoseconds
  return ts;
}

}  // namespace

Status OdbcClient::execute(SQLHSTMT stmt, const std::string& sql, std::span<const Value> params,
                           std::unique_ptr<ParamBuffers>& keep, std::string_view doing) const {
  keep = std::make_unique<ParamBuffers>();
  keep->slots.resize(params.size());
  bool sqlite = config_.dialect == OdbcDialect::sqlite;
  // Last parameter first: drivers grow their parameter array to the highest
  // number bound (SQLite's by realloc per call), so this allocates it once
  // instead of copying it once per parameter of a multi-row statement.
  for (size_t i = params.size(); i-- > 0;) {
    const Value& v = params[i];
    ParamBuffers::Slot& s = keep->slots[i];
    SQLSMALLINT ctype = SQL_C_WCHAR, stype = SQL_WVARCHAR, digits = 0;
    SQLULEN size = 0;
    SQLPOINTER ptr = nullptr;
    SQLLEN buflen = 0;
    auto as_text = [&](const std::string& utf8) {
      s.wide = to_sqlwchar(utf8);
      s.ind = static_cast<SQLLEN>(s.wide.size() * sizeof(SQLWCHAR));
      // Long text as LONGVARCHAR: SQL Server's nvarchar(max), not nvarchar(4000).
      stype = s.wide.size() > 4000 ? SQL_WLONGVARCHAR : SQL_WVARCHAR;
      size = std::max<size_t>(1, s.wide.size());
      ptr = s.wide.data();
      buflen = s.ind;
    };
    switch (v.type()) {
      case ValueType::null:
        ctype = SQL_C_CHAR;
        stype = SQL_VARCHAR;
        size = 1;
        s.ind = SQL_NULL_DATA;
        ptr = s.text.data();
        break;
      case ValueType::boolean:
        ctype = SQL_C_BIT;
        stype = SQL_BIT;
        size = 1;
        s.bit = v.as_bool() ? 1 : 0;
        ptr = &s.bit;
        break;
      case ValueType::integer:
        ctype = SQL_C_SBIGINT;
        stype = SQL_BIGINT;
        size = 19;
        s.integer = v.as_int();
        ptr = &s.integer;
        break;
      case ValueType::decimal: {
        // Exact digits as text into DECIMAL(p, s): no binary floating point.
        s.text = v.to_text();
        size_t ndigits = 0;
        for (char c : s.text) ndigits += (c >= '0' && c <= '9');
        ctype = SQL_C_CHAR;
        stype = SQL_DECIMAL;
        digits = static_cast<SQLSMALLINT>(v.as_decimal().scale());
        size = std::max<size_t>({1, ndigits, static_cast<size_t>(digits)});
        s.ind = static_cast<SQLLEN>(s.text.size());
        ptr = s.text.data();
        buflen = s.ind;
        break;
      }
      case ValueType::date:
        if (sqlite) {
          as_text(v.as_date().to_string());
          break;
        }
        ctype = SQL_C_TYPE_DATE;
        stype = SQL_TYPE_DATE;
        size = 10;
        {
          int y;
          unsigned m, d;
          v.as_date().to_ymd(y, m, d);
          s.date.year = static_cast<SQLSMALLINT>(y);
          s.date.month = static_cast<SQLUSMALLINT>(m);
          s.date.day = static_cast<SQLUSMALLINT>(d);
        }
        ptr = &s.date;
        break;
      case ValueType::datetime:
        // UTC wall time: exact for zoned columns (the session is UTC) and
        // what reads assume for columns without a zone.
        if (sqlite) {
          as_text(sqlite_time_text(v.as_datetime()));
          break;
        }
        ctype = SQL_C_TYPE_TIMESTAMP;
        stype = SQL_TYPE_TIMESTAMP;
        size = 26;
        digits = 6;
        s.ts = timestamp_struct(v.as_datetime());
        ptr = &s.ts;
        break;
      case ValueType::array:
      case ValueType::object:
        as_text(to_json(v));
        break;
      default:
        as_text(v.to_text());
        break;
    }
    SQLRETURN rc = SQLBindParameter(stmt, static_cast<SQLUSMALLINT>(i + 1), SQL_PARAM_INPUT, ctype,
                                    stype, size, digits, ptr, buflen, &s.ind);
    if (!odbc_ok(rc)) return diagnose(SQL_HANDLE_STMT, stmt, doing);
  }
  auto text = to_sqlwchar(sql);
  SQLRETURN rc = SQLExecDirectW(stmt, text.data(), static_cast<SQLINTEGER>(text.size()));
  // SQL_NO_DATA: an UPDATE or DELETE that matched no row.
  if (odbc_ok(rc) || rc == SQL_NO_DATA) return {};
  return diagnose(SQL_HANDLE_STMT, stmt, doing);
}

}  // namespace crmsync
