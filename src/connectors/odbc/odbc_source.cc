#include <cstring>

#include "connectors/odbc/odbc_client.h"

namespace crmsync {
namespace {

// How a column's cells are fetched and what they become.
enum class CellKind { integer, boolean, decimal, date, datetime, text };

CellKind cell_kind(SQLSMALLINT type) {
  switch (type) {
    case SQL_TINYINT:
    case SQL_SMALLINT:
    case SQL_INTEGER:
    case SQL_BIGINT:
      return CellKind::integer;
    case SQL_BIT:
      return CellKind::boolean;
    case SQL_DECIMAL:
    case SQL_NUMERIC:
    case SQL_REAL:
    case SQL_FLOAT:
    case SQL_DOUBLE:
      return CellKind::decimal;  // fetched as text: the exact digits
    case SQL_TYPE_DATE:
    case SQL_DATE:
      return CellKind::date;
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
    case -155:  // SQL Server datetimeoffset (SQL_SS_TIMESTAMPOFFSET)
      return CellKind::datetime;
    default:
      return CellKind::text;
  }
}

// "2024-03-01 10:00:00.0000000 +02:00" (SQL Server) -> no space before the
// offset, which is how DateTime::parse reads it.
std::string_view join_offset(std::string& t) {
  size_t sp = t.rfind(' ');
  if (sp != std::string::npos && sp > 10 && sp + 1 < t.size() &&
      (t[sp + 1] == '+' || t[sp + 1] == '-')) {
    t.erase(sp, 1);
  }
  return t;
}

// A SELECT on a connection of its own, fetched row by row with SQLFetch:
// the driver holds at most its fetch block (psqlODBC's declare/fetch
// cursor, SQLite's stepping, the TDS stream), so memory stays flat.
class OdbcRowStream final : public SqlRowStream {
 public:
  OdbcRowStream(const OdbcClient& client, OdbcDbc dbc, std::string doing)
      : client_(client), dbc_(std::move(dbc)), doing_(std::move(doing)) {}
  ~OdbcRowStream() override {
    stmt_.reset();  // before the connection it belongs to
  }

  Status open(const std::string& sql, std::span<const Value> params) {
    SQLHANDLE h = SQL_NULL_HANDLE;
    if (!odbc_ok(SQLAllocHandle(SQL_HANDLE_STMT, dbc_.get(), &h))) {
      return client_.diagnose(SQL_HANDLE_DBC, dbc_.get(), doing_);
    }
    stmt_.reset(h);
    if (Status s = client_.execute(h, sql, params, keep_, doing_); !s) return s;
    auto cols = client_.result_columns(h, doing_);
    if (!cols) return cols.error();
    cols_ = std::move(*cols);
    for (const auto& c : cols_) names_.push_back(c.name);
    return {};
  }

  const std::vector<std::string>& columns() const override { return names_; }

  Result<bool> next(std::vector<Value>& row) override {
    if (done_) return false;
    auto more = client_.fetch_row(stmt_.get(), cols_, row, doing_);
    if (more && !*more) done_ = true;
    return more;
  }

 private:
  const OdbcClient& client_;
  OdbcDbc dbc_;
  OdbcStmt stmt_;
  std::unique_ptr<OdbcClient::ParamBuffers> keep_;
  std::string doing_;
  std::vector<OdbcResultColumn> cols_;
  std::vector<std::string> names_;
  bool done_ = false;
};

}  // namespace

Result<std::vector<OdbcResultColumn>> OdbcClient::result_columns(SQLHSTMT stmt,
                                                                 std::string_view doing) const {
  SQLSMALLINT n = 0;
  if (!odbc_ok(SQLNumResultCols(stmt, &n))) return diagnose(SQL_HANDLE_STMT, stmt, doing);
  std::vector<OdbcResultColumn> out;
  for (SQLUSMALLINT i = 1; i <= n; ++i) {
    SQLWCHAR name[256];
    SQLSMALLINT len = 0, type = 0, digits = 0, nullable = 0;
    SQLULEN size = 0;
    if (!odbc_ok(SQLDescribeColW(stmt, i, name, static_cast<SQLSMALLINT>(std::size(name)), &len,
                                 &type, &size, &digits, &nullable))) {
      return diagnose(SQL_HANDLE_STMT, stmt, doing);
    }
    out.push_back({from_sqlwchar(name, std::min<size_t>(len, std::size(name) - 1)), type});
  }
  return out;
}

Result<bool> OdbcClient::fetch_row(SQLHSTMT stmt, const std::vector<OdbcResultColumn>& columns,
                                   std::vector<Value>& row, std::string_view doing) const {
  SQLRETURN rc = SQLFetch(stmt);
  if (rc == SQL_NO_DATA) return false;
  if (!odbc_ok(rc)) return diagnose(SQL_HANDLE_STMT, stmt, doing);
  row.clear();
  row.reserve(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    auto col = static_cast<SQLUSMALLINT>(c + 1);
    SQLLEN ind = 0;
    CellKind kind = cell_kind(columns[c].type);
    if (kind == CellKind::integer) {
      int64_t v = 0;
      rc = SQLGetData(stmt, col, SQL_C_SBIGINT, &v, sizeof v, &ind);
      if (!odbc_ok(rc)) return diagnose(SQL_HANDLE_STMT, stmt, doing);
      row.push_back(ind == SQL_NULL_DATA ? Value() : Value(v));
      continue;
    }
    if (kind == CellKind::boolean) {
      unsigned char v = 0;
      rc = SQLGetData(stmt, col, SQL_C_BIT, &v, sizeof v, &ind);
      if (!odbc_ok(rc)) return diagnose(SQL_HANDLE_STMT, stmt, doing);
      row.push_back(ind == SQL_NULL_DATA ? Value() : Value(v != 0));
      continue;
    }
    // Text in chunks: SQLGetData returns 01004 (truncated) until the last.
    std::basic_string<SQLWCHAR> wide;
    SQLWCHAR buf[2048];
    bool null = false;
    while (true) {
      rc = SQLGetData(stmt, col, SQL_C_WCHAR, buf, sizeof buf, &ind);
      if (rc == SQL_NO_DATA) break;
      if (!odbc_ok(rc)) return diagnose(SQL_HANDLE_STMT, stmt, doing);
      if (ind == SQL_NULL_DATA) {
        null = true;
        break;
      }
      size_t chars = (ind == SQL_NO_TOTAL || static_cast<size_t>(ind) >= sizeof buf)
                         ? std::size(buf) - 1
                         : static_cast<size_t>(ind) / sizeof(SQLWCHAR);
      wide.append(buf, chars);
      if (rc == SQL_SUCCESS) break;
    }
    if (null) {
      row.push_back(Value());
      continue;
    }
    std::string t = from_sqlwchar(wide.data(), wide.size());
    if (kind == CellKind::decimal) {
      if (auto d = Decimal::parse(t)) {
        row.push_back(Value(*d));
        continue;
      }
    } else if (kind == CellKind::date) {
      if (auto d = Date::parse(t)) {
        row.push_back(Value(*d));
        continue;
      }
    } else if (kind == CellKind::datetime) {
      // Sessions are UTC; a time without a zone is UTC wall time.
      if (auto d = DateTime::parse(join_offset(t), 0)) {
        row.push_back(Value(*d));
        continue;
      }
    }
    row.push_back(Value(std::move(t)));  // text, or a value the type could not read
  }
  return true;
}

Result<std::unique_ptr<SqlRowStream>> OdbcClient::stream(const std::string& sql,
                                                         std::span<const Value> params,
                                                         size_t fetch_rows,
                                                         std::string_view doing) {
  auto dbc = open_session(true, fetch_rows);
  if (!dbc) return dbc.error();
  auto s = std::make_unique<OdbcRowStream>(*this, std::move(*dbc), std::string(doing));
  if (Status st = s->open(sql, params); !st) return st.error();
  return std::unique_ptr<SqlRowStream>(std::move(s));
}

}  // namespace crmsync
