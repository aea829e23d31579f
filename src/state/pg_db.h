#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace crmsync {

// The parameters of one statement, sent as text (bytea as binary).
class PgParams {
 public:
  PgParams& text(std::string_view v);
  PgParams& num(int64_t v);
  PgParams& flag(bool v) { return text(v ? "t" : "f"); }
  PgParams& bytes(std::string_view v);
  // A PostgreSQL array literal ({"a","b"}) of texts or numbers, for
  // `= ANY($n::text[])` and `unnest(...)`: one statement for a whole batch.
  PgParams& text_array(std::span<const std::string> v);
  template <typename Get>
  PgParams& text_array_of(size_t n, Get get) {
    std::string out = "{";
    for (size_t i = 0; i < n; ++i) {
      if (i) out += ',';
      append_array_element(get(i), out);
    }
    return text(out + "}");
  }
  template <typename Get>
  PgParams& num_array_of(size_t n, Get get) {
    std::string out = "{";
    for (size_t i = 0; i < n; ++i) {
      if (i) out += ',';
      out += std::to_string(static_cast<int64_t>(get(i)));
    }
    return text(out + "}");
  }
  size_t size() const { return values_.size(); }

 private:
  friend class PgDb;
  static void append_array_element(std::string_view v, std::string& out);
  std::vector<std::string> values_;
  std::vector<int> formats_;
};

// The rows of one result (owns the PGresult).
class PgRows {
 public:
  PgRows() = default;
  explicit PgRows(PGresult* r) : r_(r, &PQclear) {}
  ExecStatusType status() const { return r_ ? PQresultStatus(r_.get()) : PGRES_FATAL_ERROR; }
  const PGresult* get() const { return r_.get(); }
  int size() const { return r_ ? PQntuples(r_.get()) : 0; }
  bool empty() const { return size() == 0; }
  bool null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string text(int row, int col) const {
    return std::string(PQgetvalue(r_.get(), row, col),
                       static_cast<size_t>(PQgetlength(r_.get(), row, col)));
  }
  int64_t int64(int row, int col) const;  // NULL reads as 0
  bool flag(int row, int col) const { return *PQgetvalue(r_.get(), row, col) == 't'; }
  std::string bytes(int row, int col) const;  // a bytea column
  int64_t affected() const;                   // rows an INSERT/UPDATE/DELETE touched

 private:
  std::shared_ptr<PGresult> r_;
};

// The state store's PostgreSQL session: statements prepared once per
// session and reused, transactions, errors that name the server (host,
// port, database) and never the password.
class PgDb {
 public:
  static Result<std::unique_ptr<PgDb>> connect(const std::string& url);

  Result<PgRows> exec(const std::string& sql, const PgParams& params, std::string_view doing);
  Result<PgRows> exec(const std::string& sql, std::string_view doing) {
    return exec(sql, PgParams{}, doing);
  }
  // Several statements, no parameters (migrations).
  Status script(const std::string& sql, std::string_view doing);
  // BEGIN, body, COMMIT; ROLLBACK when the body or the commit fails. A
  // body inside another transaction joins it.
  Status in_transaction(std::string_view doing, const std::function<Status()>& body);
  // "postgres://user@host:port/db": names the store in messages.
  const std::string& where() const { return where_; }
  Error error(std::string_view doing, const PGresult* r) const;

 private:
  PgDb() = default;
  bool reconnect_if_lost();  // true when it reconnected
  Result<PgRows> run_prepared(const std::string& sql, const PgParams& params,
                              std::string_view doing);

  std::unique_ptr<PGconn, void (*)(PGconn*)> conn_{nullptr, &PQfinish};
  std::string where_;
  std::string password_;
  std::map<std::string, std::string> prepared_;  // sql -> statement name
  bool in_transaction_ = false;
};

}  // namespace crmsync
