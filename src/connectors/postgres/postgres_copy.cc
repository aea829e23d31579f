#include <string>

#include "connectors/postgres/postgres_client.h"

namespace crmsync {
namespace {

// Bytes handed to libpq at a time: big enough that the calls cost nothing,
// small enough that a batch of wide rows is not held twice in memory.
constexpr size_t kCopyChunk = 1 << 20;

}  // namespace

void pg_copy_field(const Value& v, std::string& out) {
  std::optional<std::string> text = pg_param_text(v);
  if (!text) {
    out += "\\N";
    return;
  }
  // The escapes COPY's text format reads back as the character itself;
  // everything else (UTF-8 included) goes through as it is.
  for (char c : *text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

// The rows go into a temporary table of the target's own column types (so
// each value is parsed by the same input function a parameter would be),
// with their position beside them; one INSERT ... SELECT in that order then
// writes them with the upsert clause and RETURNING of the VALUES statement.
// ON COMMIT DROP (and a savepoint's rollback) removes the staging table.
Result<SqlResult> PostgresClient::bulk_insert(const std::string& table,
                                              const std::vector<std::string>& columns,
                                              std::span<const Record* const> rows,
                                              const std::string& key, const std::string& returning,
                                              std::string_view doing) {
  if (Status s = connect(); !s) return s.error();
  std::string cols;
  for (const std::string& c : columns) cols += (cols.empty() ? "" : ", ") + quote(c);
  std::string stage = "crmsync_stage_" + std::to_string(++stages_);
  auto made = run("CREATE TEMP TABLE " + stage + " ON COMMIT DROP AS SELECT " + cols +
                      ", 0::bigint AS crmsync_ord FROM " + table + " WITH NO DATA",
                  {}, doing);
  if (!made) return made.error();

  PGconn* conn = conn_.get();
  PgResultPtr started(PQexec(conn, ("COPY " + stage + " FROM STDIN").c_str()));
  if (!started || PQresultStatus(started.get()) != PGRES_COPY_IN) {
    Error e = error_of(conn, started.get(), doing);
    if (PQstatus(conn) != CONNECTION_OK) conn_.reset();
    return e;
  }
  std::string buf;
  buf.reserve(kCopyChunk + 4096);
  bool sent = true;
  for (size_t n = 0; n < rows.size() && sent; ++n) {
    const Record& r = *rows[n];
    for (size_t k = 0; k < r.size(); ++k) {
      pg_copy_field(r.value(k), buf);
      buf += '\t';
    }
    buf += std::to_string(n);
    buf += '\n';
    if (buf.size() >= kCopyChunk || n + 1 == rows.size()) {
      sent = PQputCopyData(conn, buf.data(), static_cast<int>(buf.size())) == 1;
      buf.clear();
    }
  }
  // On a failed send, ending the COPY with a message makes the server
  // refuse it, so nothing half-sent is kept.
  bool ended = PQputCopyEnd(conn, sent ? nullptr : "crmsync could not send every row") == 1;
  PgResultPtr done(PQgetResult(conn));
  bool ok = ended && sent && done && PQresultStatus(done.get()) == PGRES_COMMAND_OK;
  std::optional<Error> failed;
  if (!ok) failed = error_of(conn, done.get(), doing);
  while (PgResultPtr more{PQgetResult(conn)}) {
  }
  if (failed) {
    if (PQstatus(conn) != CONNECTION_OK) conn_.reset();
    return *failed;
  }

  std::string sql = "INSERT INTO " + table + " (" + cols + ") SELECT " + cols + " FROM " + stage +
                    " ORDER BY crmsync_ord";
  if (!key.empty()) sql += " " + upsert_clause(key, columns);
  if (!returning.empty()) sql += " " + returning;
  return run(sql, {}, doing);
}

}  // namespace crmsync
