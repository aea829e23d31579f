#include "net/connection_reset.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace crmsync::net {

namespace {
int port_of(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  if (addr.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
  return -1;
}

bool is_connection(int fd, int local_port, int remote_port) {
  sockaddr_storage local{}, peer{};
  socklen_t local_len = sizeof(local), peer_len = sizeof(peer);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) return false;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) return false;
  return port_of(local) == local_port && port_of(peer) == remote_port;
}

int find_socket(int local_port, int remote_port) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int found = -1;
  int dir_fd = dirfd(dir);
  while (dirent* entry = readdir(dir)) {
    int fd = std::atoi(entry->d_name);
    if (entry->d_name[0] == '.' || fd == dir_fd) continue;
    if (is_connection(fd, local_port, remote_port)) {
      found = fd;
      break;
    }
  }
  closedir(dir);
  return found;
}
}  // namespace

bool reset_tcp_connection(int local_port, int remote_port) {
  int fd = find_socket(local_port, remote_port);
  if (fd < 0) return false;
  // Linger with a zero timeout makes the last close send RST instead of FIN.
  linger no_linger{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &no_linger, sizeof(no_linger));
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) return false;
  bool replaced = dup2(devnull, fd) == fd;  // drops the socket's last reference
  close(devnull);
  return replaced;
}

}  // namespace crmsync::net
