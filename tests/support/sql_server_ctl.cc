// Starts or stops the throwaway database server of a CTest fixture:
//   sql_server_ctl start|stop postgres|mariadb INFO_DIR
// `start` writes INFO_DIR/<kind> (port, socket, data dir) for the tests.
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "support/sql_test_server.h"

int main(int argc, char** argv) {
  using namespace crmsync::testing;
  if (argc != 4) {
    std::fprintf(stderr, "usage: sql_server_ctl start|stop postgres|mariadb INFO_DIR\n");
    return 2;
  }
  std::string action = argv[1], kind = argv[2], info_file = std::string(argv[3]) + "/" + kind;
  // A server left behind by an interrupted run is stopped either way.
  if (auto old = SqlServerInfo::load(info_file)) stop_server(*old);
  std::filesystem::remove(info_file);
  if (action == "stop") return 0;
  std::filesystem::create_directories(argv[3]);
  std::string log;
  auto s = kind == "postgres" ? start_postgres(&log) : start_mariadb(&log);
  if (!s) {
    std::fprintf(stderr, "cannot start %s:\n%s\n", kind.c_str(), log.c_str());
    return 1;
  }
  if (!s->save(info_file)) return 1;
  std::printf("%s on 127.0.0.1:%d (%s)\n", kind.c_str(), s->port, s->dir.c_str());
  return 0;
}
