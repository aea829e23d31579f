#include "connectors/postgres/postgres_client.h"

#include <cstring>
#include <vector>

#include "core/redact.h"

namespace crmsync {
namespace {

// SQLSTATE classes (PostgreSQL manual, appendix A) -> what the caller does.
ErrorKind kind_for_sqlstate(std::string_view st) {
  std::string_view cls = st.substr(0, 2);
  if (cls == "08" || cls == "40" || cls == "53" || st == "57P01" || st == "57P02" ||
      st == "57P03" || st == "55P03" || st == "57014") {
    return ErrorKind::retryable;  // connection, deadlock/serialization, resources, shutdown
  }
  if (cls == "28") return ErrorKind::auth;
  if (cls == "21" || cls == "22" || cls == "23" || st == "42703" || st == "42804") {
    return ErrorKind::rejected;  // the data of this statement: type, constraint, column
  }
  return ErrorKind::fatal;
}

// Why a connection attempt failed, from libpq's text (there is no SQLSTATE).
ErrorKind kind_for_connect_failure(const std::string& msg) {
  for (const char* auth : {"password authentication failed", "no password supplied",
                           "authentication failed", "role \""}) {
    if (msg.find(auth) != std::string::npos) return ErrorKind::auth;
  }
  if (msg.find("database \"") != std::string::npos || msg.find("invalid") != std::string::npos) {
    return ErrorKind::fatal;
  }
  return ErrorKind::retryable;  // refused, timed out, server starting up
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The password part of postgresql://user:password@host/..., if any.
std::string password_in_url(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  size_t at = url.find('@', scheme + 3);
  if (at == std::string::npos) return "";
  size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return "";
  return url.substr(colon + 1, at - colon - 1);
}

}  // namespace

PostgresClient::PostgresClient(PostgresConfig config) : config_(std::move(config)) {
  url_password_ = password_in_url(config_.url);
  // Not an option of its own, so the config's secret flags do not cover it.
  register_secret(url_password_, {config_.user});
  name_ = "postgres " + (config_.host.empty() ? std::string("(url)") : config_.host) +
          (config_.port.empty() ? "" : ":" + config_.port) +
          (config_.database.empty() ? "" : "/" + config_.database);
}

std::string PostgresClient::scrub(std::string text) const {
  for (const std::string* secret : {&config_.password, &url_password_}) {
    if (secret->empty()) continue;
    for (size_t p = text.find(*secret); p != std::string::npos; p = text.find(*secret, p + 3)) {
      text.replace(p, secret->size(), "***");
    }
  }
  return text;
}

Result<PgConnPtr> PostgresClient::open_session() const {
  std::vector<const char*> keys, values;
  std::string timeout = std::to_string(config_.connect_timeout_secs);
  auto add = [&](const char* k, const std::string& v) {
    if (v.empty()) return;
    keys.push_back(k);
    values.push_back(v.c_str());
  };
  add("dbname", config_.url);  // expanded as a URI; later keywords override its parts
  add("host", config_.host);
  add("port", config_.port);
  if (!config_.database.empty()) add("dbname", config_.database);
  add("user", config_.user);
  add("password", config_.password);
  add("sslmode", config_.sslmode);
  add("connect_timeout", timeout);
  // Literals, not temporaries: libpq reads the pointers after this loop.
  keys.insert(keys.end(), {"client_encoding", "options", "application_name"});
  values.insert(values.end(),
                {"UTF8", "-c TimeZone=UTC -c DateStyle=ISO -c extra_float_digits=1", "crmsync"});
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PgConnPtr conn(PQconnectdbParams(keys.data(), values.data(), 1));
  if (!conn) return Error(ErrorKind::retryable, name_ + ": out of memory connecting");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    std::string msg = trim(scrub(PQerrorMessage(conn.get())));
    return Error(kind_for_connect_failure(msg), name_ + ": cannot connect: " + msg);
  }
  // Every session, the writer's and each reader's, and again after a
  // reconnect: a policy that reads a setting fails closed without it.
  for (const auto& [name, value] : config_.session) {
    Value args[] = {Value(name), Value(value)};
    auto r = exec_on(conn.get(), "SELECT set_config($1, $2, false)", args,
                     "setting session parameter " + name);
    if (!r) {
      Error e = r.error();
      if (e.kind == ErrorKind::rejected) e.kind = ErrorKind::fatal;  // the config is wrong
      return e;
    }
  }
  return conn;
}

Status PostgresClient::connect() {
  if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) return {};
  auto c = open_session();
  if (!c) return c.error();
  conn_ = std::move(*c);
  // Name the database by what libpq resolved (the URL's parts), never the URL.
  name_ = std::string("postgres ") + PQhost(conn_.get()) + ":" + PQport(conn_.get()) + "/" +
          PQdb(conn_.get());
  return {};
}

Result<PgResultPtr> PostgresClient::exec_on(PGconn* conn, const std::string& sql,
                                            std::span<const Value> params,
                                            std::string_view doing) const {
  std::vector<std::optional<std::string>> texts;
  texts.reserve(params.size());
  std::vector<const char*> ptrs;
  for (const Value& v : params) texts.push_back(pg_param_text(v));
  for (const auto& t : texts) ptrs.push_back(t ? t->c_str() : nullptr);
  PgResultPtr r(PQexecParams(conn, sql.c_str(), static_cast<int>(ptrs.size()), nullptr, ptrs.data(),
                             nullptr, nullptr, 0));
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
  return error_of(conn, r.get(), doing);
}

Error PostgresClient::error_of(PGconn* conn, const PGresult* r, std::string_view doing) const {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = trim(scrub(r ? PQresultErrorMessage(r) : PQerrorMessage(conn)));
  if (msg.empty()) msg = trim(scrub(PQerrorMessage(conn)));
  ErrorKind kind =
      state ? kind_for_sqlstate(state)
            : (PQstatus(conn) != CONNECTION_OK ? ErrorKind::retryable : ErrorKind::fatal);
  // The column and constraint as fields of their own: the message names
  // them only for some errors (a CHECK names no column, a unique index no
  // column either), and a user reading a rejected record needs both.
  std::string where;
  for (auto [code, label] :
       {std::pair{PG_DIAG_TABLE_NAME, "table"}, std::pair{PG_DIAG_COLUMN_NAME, "column"},
        std::pair{PG_DIAG_CONSTRAINT_NAME, "constraint"}}) {
    const char* f = r ? PQresultErrorField(r, code) : nullptr;
    if (f && *f) where += std::string(where.empty() ? "" : ", ") + label + " " + f;
  }
  if (!where.empty()) msg += " [" + scrub(where) + "]";
  return Error(kind, name_ + ": " + std::string(doing) + ": " + msg);
}

Result<SqlResult> PostgresClient::run(const std::string& sql, std::span<const Value> params,
                                      std::string_view doing) {
  if (Status s = connect(); !s) return s.error();
  auto r = exec_on(conn_.get(), sql, params, doing);
  if (!r) {
    if (PQstatus(conn_.get()) != CONNECTION_OK) conn_.reset();  // reconnect on the next call
    return r.error();
  }
  SqlResult out;
  PGresult* res = r->get();
  const char* affected = PQcmdTuples(res);
  if (affected && *affected) out.affected = std::strtoull(affected, nullptr, 10);
  int ncols = PQnfields(res), nrows = PQntuples(res);
  for (int c = 0; c < ncols; ++c) out.columns.emplace_back(PQfname(res, c));
  out.rows.reserve(static_cast<size_t>(nrows));
  for (int i = 0; i < nrows; ++i) {
    std::vector<Value> row;
    row.reserve(static_cast<size_t>(ncols));
    for (int c = 0; c < ncols; ++c) {
      row.push_back(PQgetisnull(res, i, c) ? Value()
                                           : pg_decode(PQftype(res, c), PQgetvalue(res, i, c),
                                                       PQgetlength(res, i, c)));
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

std::string PostgresClient::quote(std::string_view ident) const {
  std::string s = "\"";
  for (char c : ident) {
    if (c == '"') s += '"';
    s += c;
  }
  return s + "\"";
}

std::pair<std::string, std::string> PostgresClient::split_table(std::string_view table) const {
  size_t dot = table.find('.');
  if (dot == std::string_view::npos) return {config_.schema, std::string(table)};
  return {std::string(table.substr(0, dot)), std::string(table.substr(dot + 1))};
}

std::string PostgresClient::table_name(std::string_view table) const {
  auto [schema, name] = split_table(table);
  return quote(schema) + "." + quote(name);
}

Result<std::vector<std::string>> PostgresClient::tables() {
  Value args[] = {Value(config_.schema)};
  auto r =
      run("SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
          "WHERE n.nspname = $1 AND c.relkind IN ('r', 'v', 'm', 'p', 'f') ORDER BY 1",
          args, "listing the tables of schema " + config_.schema);
  if (!r) return r.error();
  std::vector<std::string> out;
  for (const auto& row : r->rows) out.push_back(row[0].to_text());
  return out;
}

Result<std::vector<SqlColumn>> PostgresClient::columns(const std::string& table) {
  auto [schema, name] = split_table(table);
  Value args[] = {Value(schema), Value(name)};
  auto r =
      run("SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, "
          "COALESCE(a.attnum = ANY(i.indkey), false) "
          "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
          "JOIN pg_namespace n ON n.oid = c.relnamespace "
          "LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary "
          "WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped "
          "ORDER BY a.attnum",
          args, "describing " + table);
  if (!r) return r.error();
  std::vector<SqlColumn> out;
  for (const auto& row : r->rows) {
    out.push_back({row[0].to_text(), row[1].to_text(), row[2].is_bool() && row[2].as_bool(),
                   row[3].is_bool() && row[3].as_bool()});
  }
  return out;
}

}  // namespace crmsync
