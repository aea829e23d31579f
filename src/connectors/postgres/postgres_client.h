#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>

#include "connectors/postgres/postgres_config.h"
#include "connectors/sql/sql_driver.h"

namespace crmsync {

// A PGconn owned by a unique_ptr.
struct PgConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnCloser>;
struct PgResultClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultClearer>;

// PostgreSQL through libpq: connections (credentials passed as separate
// keywords, never as a connection string we build), parameterised
// statements in text format, SQLSTATE -> ErrorKind, and the dialect.
// Sessions run in UTC so timestamptz text carries a known offset.
class PostgresClient final : public SqlDriver {
 public:
  explicit PostgresClient(PostgresConfig config);

  const std::string& target_name() const override { return name_; }
  Status connect() override;
  Result<SqlResult> run(const std::string& sql, std::span<const Value> params,
                        std::string_view doing) override;
  Result<std::unique_ptr<SqlRowStream>> stream(const std::string& sql,
                                               std::span<const Value> params, size_t fetch_rows,
                                               std::string_view doing) override;
  Result<std::vector<SqlColumn>> columns(const std::string& table) override;
  Result<std::vector<std::string>> tables() override;

  filter::Filter::SqlDialect filter_dialect() const override {
    return filter::Filter::SqlDialect::postgres;
  }
  std::string quote(std::string_view ident) const override;
  std::string table_name(std::string_view table) const override;
  std::string placeholder(size_t index) const override { return "$" + std::to_string(index); }
  size_t max_params() const override { return 65535; }
  std::string column_type(const Value& sample, bool key) const override;
  std::string auto_id_column() const override { return "BIGSERIAL PRIMARY KEY"; }
  std::string upsert_clause(const std::string& key,
                            const std::vector<std::string>& columns) const override;
  bool insert_returning() const override { return true; }
  std::string upsert_returning(const std::string& id, const std::string& key) const override;
  // COPY into a temporary staging table, then one INSERT ... SELECT
  // (postgres_copy.cc).
  bool has_bulk_insert() const override { return true; }
  Result<SqlResult> bulk_insert(const std::string& table, const std::vector<std::string>& columns,
                                std::span<const Record* const> rows, const std::string& key,
                                const std::string& returning, std::string_view doing) override;

  // A new session with this config (the main one, or one per streamed read).
  Result<PgConnPtr> open_session() const;
  // Runs a statement on `conn`; errors classified and free of secrets.
  Result<PgResultPtr> exec_on(PGconn* conn, const std::string& sql, std::span<const Value> params,
                              std::string_view doing) const;
  // The classified error of a failed result (or of the connection, when
  // `r` is null).
  Error error_of(PGconn* conn, const PGresult* r, std::string_view doing) const;
  // Removes the password (and a URL's password) from a server or libpq text.
  std::string scrub(std::string text) const;

 private:
  std::pair<std::string, std::string> split_table(std::string_view table) const;

  PostgresConfig config_;
  std::string name_;
  std::string url_password_;
  PgConnPtr conn_;
  uint64_t stages_ = 0;  // staging tables made on conn_, for unique names
};

// Text of a value as a libpq parameter (nullopt for NULL).
std::optional<std::string> pg_param_text(const Value& v);
// Appends a value as one field of COPY's text format (\N for NULL;
// backslash, tab, newline and carriage return escaped).
void pg_copy_field(const Value& v, std::string& out);
// A value of the record model from a result cell's text and type OID.
Value pg_decode(Oid type, const char* text, int length);

}  // namespace crmsync
