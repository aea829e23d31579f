#include "connectors/odbc/odbc_client.h"

#include <algorithm>
#include <cctype>
#include <mutex>

#include "core/redact.h"

namespace crmsync {
namespace {

bool contains_nocase(std::string_view text, std::string_view word) {
  auto it = std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
  return it != text.end();
}

// SQLSTATEs (ODBC appendix A, and the server's own that psqlODBC passes on)
// -> what the caller does. Drivers report a refused login in different ways
// (28000, or 08001 with the server's words), so its text decides too.
ErrorKind kind_for_state(std::string_view st, std::string_view msg) {
  for (const char* auth : {"password authentication failed", "login failed",
                           "authentication failed", "access denied"}) {
    if (contains_nocase(msg, auth)) return ErrorKind::auth;
  }
  std::string_view cls = st.substr(0, std::min<size_t>(2, st.size()));
  if (cls == "28") return ErrorKind::auth;
  if (cls == "08" || cls == "40" || cls == "53" || st == "HYT00" || st == "HYT01" ||
      st == "57P01" || st == "57014") {
    return ErrorKind::retryable;  // connection, deadlock/serialization, timeouts
  }
  if (cls == "21" || cls == "22" || cls == "23" || st == "42703" || st == "42804" ||
      st == "42S22" || st == "07006") {
    return ErrorKind::rejected;  // this statement's data: type, constraint, column
  }
  // SQLite's driver reports constraint failures as the general HY000.
  if (st == "HY000" && contains_nocase(msg, "constraint failed")) return ErrorKind::rejected;
  return ErrorKind::fatal;
}

// A connection-string value: as is, or `{value}` when it holds `;` or
// braces or edge spaces. Only then: some drivers (SQLite's) do not strip
// braces and would take them as part of a file name.
std::string braced(const std::string& v) {
  if (v.find_first_of(";{}") == std::string::npos && v.front() != ' ' && v.back() != ' ') return v;
  std::string s = "{";
  for (char c : v) {
    if (c == '}') s += '}';
    s += c;
  }
  return s + "}";
}

// The PWD= (or Password=) value of a user's connection string, to scrub it.
std::string password_in(const std::string& cs) {
  for (const char* key : {"pwd=", "password="}) {
    size_t p = 0;
    std::string lower = cs;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    while ((p = lower.find(key, p)) != std::string::npos) {
      if (p == 0 || cs[p - 1] == ';' || cs[p - 1] == ' ') {
        size_t start = p + std::string_view(key).size();
        if (start < cs.size() && cs[start] == '{') {
          size_t end = cs.find('}', start);
          return cs.substr(start + 1, (end == std::string::npos ? cs.size() : end) - start - 1);
        }
        return cs.substr(start, cs.find(';', start) - start);
      }
      ++p;
    }
  }
  return "";
}

}  // namespace

OdbcClient::OdbcClient(OdbcConfig config) : config_(std::move(config)) {
  // A PWD= inside connection_string is not an option of its own, so the
  // config's secret flags do not cover it.
  register_secret(password_in(config_.connection_string));
  if (config_.schema.empty() && config_.dialect == OdbcDialect::postgres) config_.schema = "public";
  std::string where = !config_.host.empty()
                          ? config_.host + (config_.port.empty() ? "" : ":" + config_.port)
                      : !config_.dsn.empty() ? "dsn " + config_.dsn
                                             : config_.driver;
  name_ = "odbc " + std::string(to_string(config_.dialect)) + " " + where +
          (config_.database.empty() ? "" : "/" + config_.database);
  SQLHANDLE env = SQL_NULL_HANDLE;
  if (odbc_ok(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env))) {
    env_.reset(env);
    SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
  }
}

std::string OdbcClient::scrub(std::string text) const {
  const std::string from_string = password_in(config_.connection_string);
  for (const std::string* secret : {&config_.password, &from_string}) {
    if (secret->empty()) continue;
    for (size_t p = text.find(*secret); p != std::string::npos; p = text.find(*secret, p + 3)) {
      text.replace(p, secret->size(), "***");
    }
  }
  return text;
}

std::string OdbcClient::connection_string(bool streaming, size_t fetch_rows) const {
  std::string cs = config_.connection_string;
  auto add = [&](const std::string& key, const std::string& value) {
    if (value.empty() || contains_nocase(config_.connection_string, key + "=")) return;
    if (!cs.empty() && cs.back() != ';') cs += ';';
    cs += key + "=" + braced(value);
  };
  add("DRIVER", config_.driver);
  add("DSN", config_.dsn);
  add("SERVER", config_.host);
  add("PORT", config_.port);
  add("DATABASE", config_.database);
  add("UID", config_.user);
  add("PWD", config_.password);
  // Driver settings the dialect's semantics rely on (a user's connection
  // string wins where it sets them).
  if (config_.dialect == OdbcDialect::postgres) {
    // psqlODBC: booleans as SQL_BIT, not '1'/'0' text; parameters inlined
    // as literals by the driver (escaped, typed by the column they meet,
    // as libpq's untyped parameters are); UTC sessions; and for reads a
    // server-side cursor fetched `Fetch` rows at a time instead of the whole
    // result in memory.
    add("BoolsAsChar", "0");
    add("UseServerSidePrepare", "0");
    add("ConnSettings", "SET TimeZone TO 'UTC'");
    if (streaming) {
      add("UseDeclareFetch", "1");
      add("Fetch", std::to_string(fetch_rows));
    }
  } else if (config_.dialect == OdbcDialect::sqlite) {
    // sqlite3odbc: rows stepped one at a time (not the whole table first),
    // WAL so a streamed read and a write on another connection coexist,
    // and a busy timeout rather than an immediate "database is locked".
    add("StepAPI", "1");
    add("JournalMode", "WAL");
    add("Timeout", std::to_string(config_.connect_timeout_secs * 1000));
  }
  return cs;
}

Result<OdbcDbc> OdbcClient::open_session(bool streaming, size_t fetch_rows) const {
  if (!env_) return Error(ErrorKind::fatal, name_ + ": cannot allocate an ODBC environment");
  SQLHANDLE h = SQL_NULL_HANDLE;
  if (!odbc_ok(SQLAllocHandle(SQL_HANDLE_DBC, env_.get(), &h))) {
    return diagnose(SQL_HANDLE_ENV, env_.get(), "connecting");
  }
  // Freed without SQLDisconnect until connected (unixODBC refuses that on an
  // unconnected handle, harmlessly).
  OdbcDbc dbc(h);
  SQLSetConnectAttr(
      h, SQL_ATTR_LOGIN_TIMEOUT,
      reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(config_.connect_timeout_secs)), 0);
  auto cs = to_sqlwchar(connection_string(streaming, fetch_rows));
  // One connect at a time in the process: psqlODBC's connect calls
  // setlocale, which is not thread-safe (ASan caught a use-after-free when
  // serve's connection check and a run connected at once).
  static std::mutex connect_mutex;
  std::unique_lock<std::mutex> connecting(connect_mutex);
  SQLRETURN rc = SQLDriverConnectW(h, nullptr, cs.data(), static_cast<SQLSMALLINT>(cs.size()),
                                   nullptr, 0, nullptr, SQL_DRIVER_NOPROMPT);
  connecting.unlock();
  if (!odbc_ok(rc)) {
    Error e = diagnose(SQL_HANDLE_DBC, h, "cannot connect");
    if (e.kind == ErrorKind::rejected) e.kind = ErrorKind::fatal;
    return e;
  }
  if (config_.dialect == OdbcDialect::sqlserver) {
    // Double-quoted identifiers (the filter's) need QUOTED_IDENTIFIER, which
    // Microsoft's driver sets and a FreeTDS login may not.
    SQLHANDLE st = SQL_NULL_HANDLE;
    if (!odbc_ok(SQLAllocHandle(SQL_HANDLE_STMT, h, &st))) {
      return diagnose(SQL_HANDLE_DBC, h, "setting up the session");
    }
    OdbcStmt stmt(st);
    auto sql = to_sqlwchar("SET QUOTED_IDENTIFIER ON");
    if (!odbc_ok(SQLExecDirectW(st, sql.data(), static_cast<SQLINTEGER>(sql.size())))) {
      return diagnose(SQL_HANDLE_STMT, st, "setting up the session");
    }
  }
  return dbc;
}

Status OdbcClient::connect() {
  if (dbc_) return {};
  auto c = open_session(false, 0);
  if (!c) return c.error();
  dbc_ = std::move(*c);
  return {};
}

Error OdbcClient::diagnose(SQLSMALLINT type, SQLHANDLE handle, std::string_view doing) const {
  std::string state, msg;
  SQLWCHAR st[6];
  SQLWCHAR text[1024];
  SQLINTEGER native = 0;
  SQLSMALLINT len = 0;
  for (SQLSMALLINT rec = 1; rec <= 5; ++rec) {
    SQLRETURN rc = SQLGetDiagRecW(type, handle, rec, st, &native, text,
                                  static_cast<SQLSMALLINT>(std::size(text)), &len);
    if (!odbc_ok(rc)) break;
    if (state.empty()) state = from_sqlwchar(st, 5);
    std::string m = from_sqlwchar(text, std::min<size_t>(len, std::size(text) - 1));
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    if (msg.find(m) == std::string::npos) msg += (msg.empty() ? "" : "; ") + m;
  }
  if (msg.empty()) msg = "the driver reported an error without diagnostics";
  msg = scrub(msg);
  return Error(kind_for_state(state, msg), name_ + ": " + std::string(doing) + ": " + msg +
                                               (state.empty() ? "" : " (SQLSTATE " + state + ")"));
}

Result<SqlResult> OdbcClient::run(const std::string& sql, std::span<const Value> params,
                                  std::string_view doing) {
  if (Status s = connect(); !s) return s.error();
  SQLHANDLE h = SQL_NULL_HANDLE;
  if (!odbc_ok(SQLAllocHandle(SQL_HANDLE_STMT, dbc_.get(), &h))) {
    Error e = diagnose(SQL_HANDLE_DBC, dbc_.get(), doing);
    dbc_.reset();
    return e;
  }
  OdbcStmt stmt(h);
  std::unique_ptr<ParamBuffers> keep;
  auto fail = [&](Status s) -> Result<SqlResult> {
    if (s.error().kind == ErrorKind::retryable &&
        s.error().message.find("(SQLSTATE 08") != std::string::npos) {
      stmt.reset();
      dbc_.reset();  // the connection is gone: reconnect on the next call
    }
    return s.error();
  };
  if (Status s = execute(h, sql, params, keep, doing); !s) return fail(s);
  SqlResult out;
  // Every result of the statement, so that the connection is free again
  // (SQL Server sends counts and errors of later parts as further results).
  while (true) {
    SQLSMALLINT ncols = 0;
    SQLNumResultCols(h, &ncols);
    if (ncols > 0 && out.columns.empty()) {
      auto cols = result_columns(h, doing);
      if (!cols) return fail(cols.error());
      for (const auto& c : *cols) out.columns.push_back(c.name);
      std::vector<Value> row;
      while (true) {
        auto more = fetch_row(h, *cols, row, doing);
        if (!more) return fail(more.error());
        if (!*more) break;
        out.rows.push_back(std::move(row));
        row = {};
      }
    } else if (ncols == 0) {
      SQLLEN n = 0;
      if (odbc_ok(SQLRowCount(h, &n)) && n > 0) out.affected += static_cast<uint64_t>(n);
    }
    SQLRETURN rc = SQLMoreResults(h);
    if (rc == SQL_NO_DATA) break;
    if (!odbc_ok(rc)) return fail(diagnose(SQL_HANDLE_STMT, h, doing));
  }
  return out;
}

Status OdbcClient::set_autocommit(bool on, std::string_view doing) {
  if (Status s = connect(); !s) return s;
  SQLULEN v = on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF;
  if (!odbc_ok(
          SQLSetConnectAttr(dbc_.get(), SQL_ATTR_AUTOCOMMIT, reinterpret_cast<SQLPOINTER>(v), 0))) {
    Error e = diagnose(SQL_HANDLE_DBC, dbc_.get(), doing);
    dbc_.reset();
    return e;
  }
  return {};
}

Status OdbcClient::end_transaction(SQLSMALLINT completion, std::string_view doing) {
  if (!dbc_)
    return Error(ErrorKind::retryable, name_ + ": " + std::string(doing) + ": connection lost");
  if (!odbc_ok(SQLEndTran(SQL_HANDLE_DBC, dbc_.get(), completion))) {
    Error e = diagnose(SQL_HANDLE_DBC, dbc_.get(), doing);
    dbc_.reset();  // its transaction state is unknown now
    return e;
  }
  return set_autocommit(true, doing);
}

Status OdbcClient::begin_transaction(std::string_view doing) {
  return set_autocommit(false, doing);
}
Status OdbcClient::commit_transaction(std::string_view doing) {
  return end_transaction(SQL_COMMIT, doing);
}
void OdbcClient::rollback_transaction(std::string_view doing) {
  (void)end_transaction(SQL_ROLLBACK, doing);
}

// SQL Server names savepoints with SAVE TRANSACTION and has no release.
std::string OdbcClient::savepoint_sql(const std::string& name) const {
  return config_.dialect == OdbcDialect::sqlserver ? "SAVE TRANSACTION " + name
                                                   : SqlDriver::savepoint_sql(name);
}
std::string OdbcClient::release_savepoint_sql(const std::string& name) const {
  return config_.dialect == OdbcDialect::sqlserver ? "" : SqlDriver::release_savepoint_sql(name);
}
std::string OdbcClient::rollback_to_savepoint_sql(const std::string& name) const {
  return config_.dialect == OdbcDialect::sqlserver ? "ROLLBACK TRANSACTION " + name
                                                   : SqlDriver::rollback_to_savepoint_sql(name);
}

std::string OdbcClient::upsert_statement(const std::string& table,
                                         const std::vector<std::string>& columns,
                                         const std::string& rows, const std::string& key) const {
  if (config_.dialect == OdbcDialect::sqlserver || config_.dialect == OdbcDialect::generic) {
    return odbc_merge_statement(config_.dialect, table, columns, rows, key);
  }
  return SqlDriver::upsert_statement(table, columns, rows, key);
}

// Created ids come from RETURNING on PostgreSQL only: SQLite documents the
// order of RETURNING rows as arbitrary and SQL Server's OUTPUT does not
// promise the VALUES order, so ids are not matched to rows by position.
bool OdbcClient::insert_returning() const {
  return config_.dialect == OdbcDialect::postgres;
}

// PostgreSQL: xmax = 0 on a row this statement inserted (as the postgres
// connector does); elsewhere ids are looked up by key.
std::string OdbcClient::upsert_returning(const std::string& id, const std::string& key) const {
  if (config_.dialect != OdbcDialect::postgres) return "";
  return "RETURNING " + quote(id) + ", " + quote(key) + "::text, (xmax = 0)";
}

}  // namespace crmsync
