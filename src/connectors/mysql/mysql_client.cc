#include "connectors/mysql/mysql_client.h"

#include <errmsg.h>
#include <mysqld_error.h>

#include <cstdlib>

#include "connectors/sql/sql_query_text.h"

namespace crmsync {
namespace {

// Server and client error numbers (mysqld_error.h, errmsg.h) -> what the
// caller does. Data errors of one statement are `rejected`.
ErrorKind kind_for(unsigned int code, std::string_view sqlstate) {
  switch (code) {
    case ER_ACCESS_DENIED_ERROR:
    case ER_DBACCESS_DENIED_ERROR:
    case ER_ACCESS_DENIED_NO_PASSWORD_ERROR:
      return ErrorKind::auth;
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_LOCK_DEADLOCK:
    case ER_CON_COUNT_ERROR:
    case ER_SERVER_SHUTDOWN:
      return ErrorKind::retryable;
    case ER_BAD_NULL_ERROR:
    case ER_DUP_ENTRY:
    case ER_NO_DEFAULT_FOR_FIELD:
    case ER_TRUNCATED_WRONG_VALUE:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case ER_WARN_DATA_OUT_OF_RANGE:
    case WARN_DATA_TRUNCATED:
    case ER_DATA_TOO_LONG:
    case ER_NO_REFERENCED_ROW_2:
    case ER_ROW_IS_REFERENCED_2:
    case ER_BAD_FIELD_ERROR:
      return ErrorKind::rejected;
    default:
      break;
  }
  if (sqlstate.starts_with("22") || sqlstate.starts_with("23")) return ErrorKind::rejected;
  if (sqlstate.starts_with("08")) return ErrorKind::retryable;
  return ErrorKind::fatal;
}

}  // namespace

MysqlClient::MysqlClient(MysqlConfig config) : config_(std::move(config)) {
  name_ = "mysql " +
          (config_.socket.empty() ? config_.host + ":" + std::to_string(config_.port)
                                  : config_.socket) +
          (config_.database.empty() ? "" : "/" + config_.database);
}

Error MysqlClient::error(MYSQL* conn, std::string_view doing) const {
  std::string msg = mysql_error(conn);
  if (!config_.password.empty()) {
    for (size_t p = msg.find(config_.password); p != std::string::npos;
         p = msg.find(config_.password, p + 3)) {
      msg.replace(p, config_.password.size(), "***");
    }
  }
  return Error(kind_for(mysql_errno(conn), mysql_sqlstate(conn)),
               name_ + ": " + std::string(doing) + ": " + msg);
}

Result<MysqlPtr> MysqlClient::open_session() const {
  MysqlPtr m(mysql_init(nullptr));
  if (!m) return Error(ErrorKind::retryable, name_ + ": out of memory connecting");
  unsigned int timeout = static_cast<unsigned int>(config_.connect_timeout_secs);
  mysql_options(m.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(m.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (config_.tls_required) {
    my_bool enforce = 1;
    mysql_options(m.get(), MYSQL_OPT_SSL_ENFORCE, &enforce);
  }
  // CLIENT_FOUND_ROWS: an UPDATE reports the rows it matched, so an update
  // that changes nothing is not mistaken for a missing row.
  if (!mysql_real_connect(
          m.get(), config_.socket.empty() ? config_.host.c_str() : nullptr, config_.user.c_str(),
          config_.password.c_str(), config_.database.empty() ? nullptr : config_.database.c_str(),
          static_cast<unsigned int>(config_.port),
          config_.socket.empty() ? nullptr : config_.socket.c_str(), CLIENT_FOUND_ROWS)) {
    Error e = error(m.get(), "cannot connect");
    if (e.kind == ErrorKind::fatal) e.kind = ErrorKind::retryable;  // unknown host, refused
    return e;
  }
  if (Status s = send(m.get(),
                      "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
                      "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00'",
                      "configuring the session");
      !s) {
    return s.error();
  }
  return m;
}

Status MysqlClient::connect() {
  if (conn_) return {};
  auto m = open_session();
  if (!m) return m.error();
  conn_ = std::move(*m);
  // A statement longer than this is refused and the connection dropped, so
  // multi-row writes are cut to fit it.
  auto packet = run("SELECT @@max_allowed_packet", {}, "reading max_allowed_packet");
  if (!packet) return packet.error();
  if (!packet->rows.empty() && !packet->rows[0].empty()) {
    unsigned long long bytes = std::strtoull(packet->rows[0][0].to_text().c_str(), nullptr, 10);
    if (bytes > 0) max_packet_ = static_cast<size_t>(bytes);
  }
  return {};
}

Result<std::string> MysqlClient::bind(MYSQL* conn, const std::string& sql,
                                      std::span<const Value> params) const {
  if (params.empty()) return sql;
  std::string out;
  size_t next = 0, copied = 0;
  auto literal = [&](const Value& v) -> std::string {
    switch (v.type()) {
      case ValueType::null:
        return "NULL";
      case ValueType::boolean:
        return v.as_bool() ? "TRUE" : "FALSE";
      case ValueType::integer:
      case ValueType::decimal:
        return v.to_text();  // exact digits: a DECIMAL literal, not a double
      default:
        break;
    }
    std::string text;
    if (v.is_datetime()) {
      text = v.as_datetime().in_utc().to_iso8601();  // ...Z; MySQL wants no zone
      if (!text.empty() && text.back() == 'Z') text.pop_back();
      if (text.size() > 10) text[10] = ' ';
    } else {
      text = v.to_text();  // strings, dates, JSON of arrays/objects
    }
    std::string esc(text.size() * 2 + 1, '\0');
    unsigned long n = mysql_real_escape_string(conn, esc.data(), text.data(), text.size());
    esc.resize(n);
    return "'" + esc + "'";
  };
  for_each_sql_code_span(sql, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      if (sql[i] != '?' || next >= params.size()) continue;
      out.append(sql, copied, i - copied);
      out += literal(params[next++]);
      copied = i + 1;
    }
  });
  out.append(sql, copied);
  if (next != params.size()) {
    return Error(ErrorKind::fatal, name_ + ": statement has " + std::to_string(next) +
                                       " placeholders for " + std::to_string(params.size()) +
                                       " parameters");
  }
  return out;
}

Status MysqlClient::send(MYSQL* conn, const std::string& sql, std::string_view doing) const {
  if (mysql_real_query(conn, sql.data(), sql.size()) != 0) return error(conn, doing);
  return {};
}

Result<SqlResult> MysqlClient::run(const std::string& sql, std::span<const Value> params,
                                   std::string_view doing) {
  if (Status s = connect(); !s) return s.error();
  MYSQL* c = conn_.get();
  auto text = bind(c, sql, params);
  if (!text) return text.error();
  if (Status s = send(c, *text, doing); !s) {
    if (s.error().kind == ErrorKind::retryable && mysql_errno(c) >= 2000) conn_.reset();
    return s.error();
  }
  SqlResult out;
  if (mysql_field_count(c) > 0) {
    MYSQL_RES* res = mysql_store_result(c);
    if (res == nullptr) return error(c, doing);
    unsigned int n = mysql_num_fields(res);
    MYSQL_FIELD* fields = mysql_fetch_fields(res);
    for (unsigned int i = 0; i < n; ++i) out.columns.emplace_back(fields[i].name);
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
      unsigned long* lengths = mysql_fetch_lengths(res);
      std::vector<Value> values;
      values.reserve(n);
      for (unsigned int i = 0; i < n; ++i) {
        values.push_back(row[i] ? mysql_decode(fields[i], row[i], lengths[i]) : Value());
      }
      out.rows.push_back(std::move(values));
    }
    mysql_free_result(res);
  } else {
    out.affected = mysql_affected_rows(c);
    out.last_insert_id = mysql_insert_id(c);
  }
  return out;
}

std::string MysqlClient::quote(std::string_view ident) const {
  std::string s = "`";
  for (char c : ident) {
    if (c == '`') s += '`';
    s += c;
  }
  return s + "`";
}

std::string MysqlClient::table_name(std::string_view table) const {
  size_t dot = table.find('.');
  if (dot == std::string_view::npos) return quote(table);
  return quote(table.substr(0, dot)) + "." + quote(table.substr(dot + 1));
}

Result<std::vector<std::string>> MysqlClient::tables() {
  auto r =
      run("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
          "ORDER BY TABLE_NAME",
          {}, "listing the tables");
  if (!r) return r.error();
  std::vector<std::string> out;
  for (const auto& row : r->rows) out.push_back(row[0].to_text());
  return out;
}

Result<std::vector<SqlColumn>> MysqlClient::columns(const std::string& table) {
  size_t dot = table.find('.');
  std::vector<Value> args;
  std::string schema = "DATABASE()";
  if (dot != std::string::npos) {
    args.push_back(Value(table.substr(0, dot)));
    schema = "?";
  }
  args.push_back(Value(dot == std::string::npos ? table : table.substr(dot + 1)));
  auto r =
      run("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE = 'YES', COLUMN_KEY = 'PRI' "
          "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
              schema + " AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
          args, "describing " + table);
  if (!r) return r.error();
  std::vector<SqlColumn> out;
  auto truthy = [](const Value& v) { return v.to_text() == "1" || (v.is_bool() && v.as_bool()); };
  for (const auto& row : r->rows) {
    out.push_back({row[0].to_text(), row[1].to_text(), truthy(row[2]), truthy(row[3])});
  }
  return out;
}

}  // namespace crmsync
