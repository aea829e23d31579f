#pragma once

#include <mysql.h>

#include <memory>
#include <string>

#include "connectors/mysql/mysql_config.h"
#include "connectors/sql/sql_driver.h"

namespace crmsync {

struct MysqlCloser {
  void operator()(MYSQL* m) const { mysql_close(m); }
};
using MysqlPtr = std::unique_ptr<MYSQL, MysqlCloser>;

// MySQL / MariaDB through MariaDB Connector/C: sessions in strict SQL mode
// (a wrong type or a NULL into NOT NULL is an error, not a silent
// truncation) and UTC; error numbers -> ErrorKind; the dialect.
//
// Statements go over the text protocol, because that is what lets a big
// read stream with mysql_use_result. Parameters are therefore bound on the
// client: each `?` outside quotes becomes a literal escaped by
// mysql_real_escape_string for the connection's character set; numbers are
// rendered from the record model, never from user text.
class MysqlClient final : public SqlDriver {
 public:
  explicit MysqlClient(MysqlConfig config);

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
    return filter::Filter::SqlDialect::mysql;
  }
  std::string quote(std::string_view ident) const override;
  std::string table_name(std::string_view table) const override;
  std::string placeholder(size_t) const override { return "?"; }
  size_t max_params() const override { return 65535; }
  std::string column_type(const Value& sample, bool key) const override;
  std::string auto_id_column() const override { return "BIGINT AUTO_INCREMENT PRIMARY KEY"; }
  std::string upsert_clause(const std::string& key,
                            const std::vector<std::string>& columns) const override;
  bool insert_returning() const override { return false; }
  // The server's max_allowed_packet, less room for the statement's text
  // around the values (a long column list, the ON DUPLICATE KEY clause).
  size_t max_statement_bytes() const override {
    return max_packet_ > (1u << 17) ? max_packet_ - (1u << 16) : max_packet_ / 2;
  }
  std::string upsert_returning(const std::string&, const std::string&) const override { return ""; }

  Result<MysqlPtr> open_session() const;
  // The statement with its parameters bound as escaped literals.
  Result<std::string> bind(MYSQL* conn, const std::string& sql,
                           std::span<const Value> params) const;
  // Sends a statement; errors classified, free of secrets.
  Status send(MYSQL* conn, const std::string& sql, std::string_view doing) const;
  Error error(MYSQL* conn, std::string_view doing) const;

 private:
  MysqlConfig config_;
  std::string name_;
  MysqlPtr conn_;
  size_t max_packet_ = 1u << 22;  // MySQL's smallest default (4 MiB) until read
};

// A value of the record model from a text-protocol cell and its field.
Value mysql_decode(const MYSQL_FIELD& field, const char* text, unsigned long length);

}  // namespace crmsync
