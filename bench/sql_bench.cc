// Rows per second read and written by the postgres, mysql and odbc
// connectors against real, throwaway servers (tests/support/sql_test_server.h;
// odbc-postgres is psqlODBC against PostgreSQL, odbc-sqlite the SQLite3 ODBC
// driver on a temp file), at one size per process so that peak RSS belongs
// to that database and size:
//   read:   a full streamed read of the table (server-side cursor /
//           mysql_use_result), converted to records
//   insert: upserts of new rows in batches (multi-row INSERT ... ON CONFLICT /
//           ON DUPLICATE KEY UPDATE), one transaction per batch
//   update: the same upserts again, every row an update
//   limit:  the same rows loaded from a tab-separated file into an empty copy
//           of the table (same keys and indexes) by the database's own bulk path (psql's \copy,
//           MariaDB's LOAD DATA INFILE), client start-up included; what the
//           insert column is measured against. Not measured for ODBC (the
//           server's limit is the native row's).
// Usage: bench_sql postgres|mariadb|odbc-postgres|odbc-sqlite ROWS [--no-header]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "connectors/registry.h"
#include "support/odbc_test_drivers.h"
#include "support/sql_test_server.h"

using namespace crmsync;
using namespace crmsync::testing;

namespace {

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::unique_ptr<Connection> open(const SqlServerInfo& s, const std::string& db, bool odbc) {
  auto conn = ConnectorRegistry::instance().create(odbc ? odbc_connection(s, db) : s.connection(db),
                                                   ConnectorContext{});
  if (!conn) {
    std::fprintf(stderr, "%s\n", conn.error().message.c_str());
    std::exit(1);
  }
  return std::move(*conn);
}

// Upserts rows 1..n in batches; returns seconds, exits on any failure.
double upsert_all(Connection& conn, long n, const std::string& suffix) {
  auto names = make_field_names({"code", "name", "amount", "at", "active"});
  auto t0 = std::chrono::steady_clock::now();
  const long batch = 1000;
  for (long start = 1; start <= n; start += batch) {
    std::vector<WriteItem> items;
    for (long i = start; i < start + batch && i <= n; ++i) {
      WriteItem w;
      w.op = WriteOp::upsert;
      w.record = Record(
          names, {Value("C" + std::to_string(i)), Value("Customer " + std::to_string(i) + suffix),
                  Value(*Decimal::parse(std::to_string(i) + ".25")),
                  Value(DateTime::from_unix_seconds(1700000000 + i)), Value(i % 2 == 0)});
      items.push_back(std::move(w));
    }
    WriteRequest req;
    req.object = "target";
    req.external_id = "code";
    req.items = items;
    auto res = conn.write(req);
    if (!res || !(*res)[0].ok) {
      std::fprintf(stderr, "write failed: %s\n",
                   res ? (*res)[0].error.message.c_str() : res.error().message.c_str());
      std::exit(1);
    }
  }
  return seconds_since(t0);
}

// Rows per second of the database's own bulk load of the same n rows, or 0
// where there is none (SQLite through ODBC).
double bulk_load_rate(const SqlServerInfo& s, const std::string& db, long n) {
  if (s.kind != "postgres" && s.kind != "mariadb") return 0;
  bool pg = s.kind == "postgres";
  std::string file = s.dir + "/bulk-rows.tsv";
  {
    std::ofstream out(file);
    for (long i = 1; i <= n; ++i) {
      std::string at = DateTime::from_unix_seconds(1700000000 + i).to_iso8601();
      if (!pg) at = at.substr(0, 10) + " " + at.substr(11, 8);  // DATETIME literal
      out << 'C' << i << "\tCustomer " << i << '\t' << i << ".25\t" << at << '\t'
          << (i % 2 == 0 ? (pg ? "t" : "1") : (pg ? "f" : "0")) << '\n';
    }
  }
  // Same columns, keys and indexes as the target the connector writes.
  s.sql(db, pg ? "CREATE TABLE bulk_ref (LIKE target INCLUDING ALL);"
               : "CREATE TABLE bulk_ref LIKE target;");
  auto t0 = std::chrono::steady_clock::now();
  CommandResult r =
      s.sql(db, pg ? "\\copy bulk_ref (code, name, amount, at, active) FROM '" + file + "'\n"
                   : "LOAD DATA INFILE '" + file +
                         "' INTO TABLE bulk_ref (code, name, amount, at, active);");
  double secs = seconds_since(t0);
  std::string count = s.scalar(db, "SELECT COUNT(*) FROM bulk_ref;");
  if (r.exit_code != 0 || count != std::to_string(n)) {
    std::fprintf(stderr, "bulk load failed (%s rows): %s\n", count.c_str(), r.output.c_str());
    return 0;
  }
  std::filesystem::remove(file);
  return n / secs;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(
        stderr, "usage: bench_sql postgres|mariadb|odbc-postgres|odbc-sqlite ROWS [--no-header]\n");
    return 2;
  }
  std::string kind = argv[1];
  bool odbc = kind.rfind("odbc-", 0) == 0;
  std::string server_kind = odbc ? kind.substr(5) : kind;
  long n = std::atol(argv[2]);
  bool header = !(argc > 3 && std::strcmp(argv[3], "--no-header") == 0);
  std::string log;
  auto server = server_kind == "sqlite"     ? start_sqlite()
                : server_kind == "postgres" ? start_postgres(&log)
                                            : start_mariadb(&log);
  if (!server) {
    std::fprintf(stderr, "cannot start %s: %s\n", kind.c_str(), log.c_str());
    return 1;
  }
  std::string db = server->create_database();
  bool pg = server_kind == "postgres", lite = server_kind == "sqlite";
  server->sql(db, std::string("CREATE TABLE target (id ") +
                      (pg     ? "BIGSERIAL PRIMARY KEY, code TEXT"
                       : lite ? "INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT"
                              : "BIGINT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(191)") +
                      " NOT NULL UNIQUE, name TEXT, amount NUMERIC(14,2), at " +
                      (pg     ? "TIMESTAMPTZ"
                       : lite ? "TIMESTAMP"
                              : "DATETIME(6)") +
                      ", active BOOLEAN);");
  double bulk_rate = odbc ? 0 : bulk_load_rate(*server, db, n);
  auto conn = open(*server, db, odbc);
  double insert_s = upsert_all(*conn, n, "");
  double update_s = upsert_all(*conn, n, " (edited)");

  auto t0 = std::chrono::steady_clock::now();
  ReadRequest req;
  req.object = "target";
  req.batch_size = 2000;
  auto reader = conn->read(req);
  long read = 0;
  if (!reader) {
    std::fprintf(stderr, "read failed: %s\n", reader.error().message.c_str());
    return 1;
  }
  std::vector<Record> batch;
  while (true) {
    auto more = (*reader)->next(batch);
    if (!more) {
      std::fprintf(stderr, "read failed: %s\n", more.error().message.c_str());
      return 1;
    }
    read += static_cast<long>(batch.size());
    if (!*more) break;
  }
  double read_s = seconds_since(t0);
  conn.reset();
  stop_server(*server);
  if (read != n) std::fprintf(stderr, "read %ld rows, expected %ld\n", read, n);
  if (header) {
    std::printf(
        "| database | rows | read rows/s | insert rows/s | update rows/s | COPY/LOAD DATA rows/s |"
        " insert %% of it | peak RSS MB |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
  }
  std::string bulk = bulk_rate > 0 ? std::to_string(static_cast<long>(bulk_rate)) : "-";
  std::string share =
      bulk_rate > 0 ? std::to_string(static_cast<int>(100 * (n / insert_s) / bulk_rate)) : "-";
  std::printf("| %s | %ld | %.0f | %.0f | %.0f | %s | %s | %.1f |\n", kind.c_str(), n, n / read_s,
              n / insert_s, n / update_s, bulk.c_str(), share.c_str(), peak_rss_mb());
  return 0;
}
