#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.h"
#include "support/sql_test_server.h"

// Paths of the Debian drivers, found by tests/CMakeLists.txt (dpkg -L
// odbc-postgresql libsqliteodbc tdsodbc puts them in /usr/lib/<arch>/odbc).
#ifndef CRMSYNC_ODBC_PSQL
#define CRMSYNC_ODBC_PSQL ""
#endif
#ifndef CRMSYNC_ODBC_SQLITE
#define CRMSYNC_ODBC_SQLITE ""
#endif
#ifndef CRMSYNC_ODBC_FREETDS
#define CRMSYNC_ODBC_FREETDS ""
#endif

namespace crmsync::testing {

// Registers the three drivers under the names the README uses, in an
// odbcinst.ini of this process's own (ODBCSYSINI), so that no test depends
// on /etc/odbcinst.ini or a user's ~/.odbc.ini. unixODBC reads these
// variables once, so this runs before the first ODBC call of the process.
inline void use_test_odbc_drivers() {
  struct Dir {
    std::string path = make_server_dir("odbc");
    Dir() {
      std::ofstream(path + "/odbcinst.ini")
          << "[PostgreSQL Unicode]\nDriver=" CRMSYNC_ODBC_PSQL "\n\n"
          << "[SQLite3]\nDriver=" CRMSYNC_ODBC_SQLITE "\n\n"
          << "[FreeTDS]\nDriver=" CRMSYNC_ODBC_FREETDS "\n";
      std::ofstream(path + "/odbc.ini");
      ::setenv("ODBCSYSINI", path.c_str(), 1);
      ::setenv("ODBCINSTINI", "odbcinst.ini", 1);
      ::setenv("ODBCINI", (path + "/odbc.ini").c_str(), 1);
    }
    ~Dir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static Dir dir;
}

// An `odbc` connection to a test server's database: PostgreSQL through
// psqlODBC over TCP, or a SQLite file (SqlServerInfo kind "sqlite").
inline ConnectionConfig odbc_connection(const SqlServerInfo& s, const std::string& database,
                                        bool create_tables = false,
                                        const std::string& other_password = "") {
  use_test_odbc_drivers();
  ConnectionConfig c;
  c.name = "odbc_" + s.kind;
  c.type = "odbc";
  Object o;
  if (s.kind == "sqlite") {
    o = {{"driver", Value("SQLite3")},
         {"dialect", Value("sqlite")},
         {"database", Value(s.database_path(database))}};
  } else {
    o = {{"driver", Value("PostgreSQL Unicode")},
         {"dialect", Value("postgres")},
         {"host", Value("127.0.0.1")},
         {"port", Value(int64_t{s.port})},
         {"database", Value(database)},
         {"user", Value(s.user)},
         {"password", Value(other_password.empty() ? s.password : other_password)}};
  }
  o.push_back({"create_tables", Value(create_tables)});
  c.options.values = Value(std::move(o));
  return c;
}

}  // namespace crmsync::testing
