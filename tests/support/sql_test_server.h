#pragma once

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "config/config.h"
#include "support/run_command.h"

namespace crmsync::testing {

// A throwaway PostgreSQL or MariaDB server from the Debian packages,
// listening on 127.0.0.1 on a free port with its unix socket and data in a
// temp dir (or, kind "sqlite", a temp dir whose databases are files). `start` writes an info file
// that test processes read, so a server starts once per test binary (CTest fixture: sql_server_ctl
// start / stop) instead of once per test. A test run outside CTest starts its own.
struct SqlServerInfo {
  std::string kind;  // postgres | mariadb | sqlite
  std::string dir;   // data, socket and log live here
  int port = 0;
  std::string user = "crmsync";
  std::string password = "Pw-4-crmsync-tests";
  std::string socket;  // postgres: socket directory; mariadb: socket file

  bool save(const std::string& file) const {
    std::ofstream out(file);
    out << kind << "\n" << dir << "\n" << port << "\n" << socket << "\n";
    return static_cast<bool>(out);
  }
  static std::optional<SqlServerInfo> load(const std::string& file) {
    std::ifstream in(file);
    SqlServerInfo i;
    if (!(in >> i.kind >> i.dir >> i.port >> i.socket)) return std::nullopt;
    return i;
  }

  // Runs SQL through the server's command-line client over the unix socket
  // (as the superuser); output rows tab-separated, no headers.
  CommandResult sql(const std::string& database, const std::string& statements) const {
    std::string file = dir + "/stmt-" + std::to_string(::getpid()) + "-" +
                       std::to_string(std::random_device{}()) + ".sql";
    std::ofstream(file) << statements;
    std::string cmd =
        kind == "sqlite" ? "sqlite3 -bail -batch " + database_path(database) + " < " + file
        : kind == "postgres"
            ? "psql -X -q -v ON_ERROR_STOP=1 -At -h " + socket + " -p " + std::to_string(port) +
                  " -U " + user + " -d " + database + " -f " + file
            : "mariadb --no-defaults -N -B -S " + socket + " -u root " + database + " < " + file;
    CommandResult r = run_command(cmd);
    std::filesystem::remove(file);
    return r;
  }
  std::string scalar(const std::string& database, const std::string& query) const {
    std::string out = sql(database, query).output;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }
  // A crmsync connection block for `database` (over TCP, with the password).
  ConnectionConfig connection(const std::string& database, bool create_tables = false,
                              const std::string& other_password = "") const {
    ConnectionConfig c;
    c.name = kind;
    c.type = kind == "postgres" ? "postgres" : "mysql";
    c.options.values =
        Value(Object{{"host", Value("127.0.0.1")},
                     {"port", Value(int64_t{port})},
                     {"database", Value(database)},
                     {"user", Value(user)},
                     {"password", Value(other_password.empty() ? password : other_password)},
                     {"create_tables", Value(create_tables)}});
    return c;
  }
  // The file of a SQLite database (kind "sqlite").
  std::string database_path(const std::string& database) const {
    return dir + "/" + database + ".db";
  }
  // A fresh database for one test.
  std::string create_database() const {
    std::string name = "t" + std::to_string(std::random_device{}() % 1000000000);
    if (kind == "sqlite") return name;  // the file appears with the first statement
    sql(kind == "postgres" ? "postgres" : "", "CREATE DATABASE " + name + ";");
    return name;
  }
};

inline int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// postgres refuses to run as root: run its tools as `nobody` then.
inline std::string as_server_user(const std::string& dir) {
  if (::geteuid() != 0) return "";
  if (passwd* pw = ::getpwnam("nobody")) {
    for (auto& p : std::filesystem::recursive_directory_iterator(dir)) {
      (void)::chown(p.path().c_str(), pw->pw_uid, pw->pw_gid);
    }
    (void)::chown(dir.c_str(), pw->pw_uid, pw->pw_gid);
  }
  return "runuser -u nobody -- ";
}

inline std::string make_server_dir(const std::string& kind) {
  std::string tmpl = (std::filesystem::temp_directory_path() / ("crmsync-" + kind + "-XXXXXX"));
  char* d = ::mkdtemp(tmpl.data());
  return d ? std::string(d) : std::string();
}

// The newest installed server's tools (/usr/lib/postgresql/<major>/bin/).
inline std::string postgres_bin() {
  std::string best;
  std::error_code ec;
  for (const auto& d : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    std::string bin = d.path().string() + "/bin/";
    if (std::filesystem::exists(bin + "pg_ctl") && bin > best) best = bin;
  }
  return best.empty() ? "/usr/lib/postgresql/15/bin/" : best;
}

inline std::optional<SqlServerInfo> start_postgres(std::string* log) {
  SqlServerInfo s;
  s.kind = "postgres";
  s.dir = make_server_dir("pg");
  s.port = free_loopback_port();
  s.socket = s.dir;
  std::ofstream(s.dir + "/pw") << s.password << "\n";
  std::string su = as_server_user(s.dir);
  const std::string bin = postgres_bin();
  CommandResult init =
      run_command(su + bin + "initdb -D " + s.dir + "/data -U " + s.user + " --pwfile=" + s.dir +
                  "/pw --auth-local=trust" + " --auth-host=scram-sha-256 -N -E UTF8 --locale=C");
  if (init.exit_code != 0) {
    if (log) *log = init.output;
    return std::nullopt;
  }
  CommandResult start = run_command(
      su + bin + "pg_ctl -D " + s.dir + "/data -l " + s.dir + "/server.log -w -t 60 -o \"-h " +
      "127.0.0.1 -p " + std::to_string(s.port) + " -k " + s.dir +
      " -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start");
  if (start.exit_code != 0) {
    if (log) *log = start.output;
    return std::nullopt;
  }
  return s;
}

inline std::optional<SqlServerInfo> start_mariadb(std::string* log) {
  SqlServerInfo s;
  s.kind = "mariadb";
  s.dir = make_server_dir("mariadb");
  s.port = free_loopback_port();
  s.socket = s.dir + "/mysqld.sock";
  std::string user = ::geteuid() == 0 ? " --user=root" : "";
  CommandResult init =
      run_command("mariadb-install-db --no-defaults --datadir=" + s.dir + "/data" + user +
                  " --auth-root-authentication-method=normal --skip-test-db"
                  " --skip-name-resolve");
  if (init.exit_code != 0) {
    if (log) *log = init.output;
    return std::nullopt;
  }
  run_command(
      "mariadbd --no-defaults" + user + " --datadir=" + s.dir +
      "/data --port=" + std::to_string(s.port) + " --bind-address=127.0.0.1 --socket=" + s.socket +
      " --pid-file=" + s.dir + "/mariadb.pid --log-error=" + s.dir +
      "/server.log --skip-log-bin --skip-name-resolve --innodb-flush-log-at-trx-commit=0"
      " --innodb-buffer-pool-size=128M --innodb-doublewrite=0 --skip-innodb-adaptive-hash-index"
      " > /dev/null 2>&1 &");
  for (int i = 0; i < 600; ++i) {
    if (run_command("mariadb-admin --no-defaults -S " + s.socket + " -u root ping").exit_code ==
        0) {
      CommandResult u = s.sql("", "CREATE USER '" + s.user + "'@'%' IDENTIFIED BY '" + s.password +
                                      "'; GRANT ALL ON *.* TO '" + s.user + "'@'%';");
      if (u.exit_code != 0 && log) *log = u.output;
      return u.exit_code == 0 ? std::optional<SqlServerInfo>(s) : std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (log) *log = "mariadbd did not answer within 60 s; see " + s.dir + "/server.log";
  return std::nullopt;
}

// SQLite has no server: a temp dir for the test's database files.
inline std::optional<SqlServerInfo> start_sqlite() {
  SqlServerInfo s;
  s.kind = "sqlite";
  s.dir = make_server_dir("sqlite");
  if (s.dir.empty()) return std::nullopt;
  return s;
}

inline void stop_server(const SqlServerInfo& s) {
  if (s.kind == "sqlite") {
    // nothing runs: the files go with the directory
  } else if (s.kind == "postgres") {
    run_command(as_server_user(s.dir) + postgres_bin() + "pg_ctl -D " + s.dir +
                "/data -m immediate -w stop");
  } else {
    run_command("mariadb-admin --no-defaults -S " + s.socket + " -u root shutdown");
  }
  std::error_code ec;
  std::filesystem::remove_all(s.dir, ec);
}

// The server of this test binary: the one the CTest fixture started (its
// info file in CRMSYNC_TEST_SERVERS_DIR), else one started for this
// process and stopped when it exits.
inline const SqlServerInfo& test_server(const std::string& kind) {
  struct Owned {
    SqlServerInfo info;
    bool owned = false;
    ~Owned() {
      if (owned) stop_server(info);
    }
  };
  static std::map<std::string, std::unique_ptr<Owned>> servers;
  auto& slot = servers[kind];
  if (!slot) {
    slot = std::make_unique<Owned>();
    if (auto i = SqlServerInfo::load(std::string(CRMSYNC_TEST_SERVERS_DIR) + "/" + kind)) {
      slot->info = *i;
    } else {
      std::string log;
      auto s = kind == "sqlite"     ? start_sqlite()
               : kind == "postgres" ? start_postgres(&log)
                                    : start_mariadb(&log);
      if (!s) {
        std::fprintf(stderr, "cannot start %s: %s\n", kind.c_str(), log.c_str());
        std::abort();
      }
      slot->info = *s;
      slot->owned = true;
    }
  }
  return slot->info;
}

}  // namespace crmsync::testing
