// Who owns a run or a flow lock, and whether that process is still there.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <fstream>
#include <mutex>
#include <sstream>

#include "state/state_store.h"

namespace crmsync {
namespace {

std::mutex role_mutex;
std::string& role_storage() {
  static std::string role = "crmsync";
  return role;
}

std::string host_name() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown-host";
  return buf;
}

// Field 22 of /proc/<pid>/stat: when the process started, in clock ticks
// since boot. A pid is reused by the kernel; (pid, start time) is not.
// 0 when it cannot be read (no such process, no /proc).
int64_t process_start(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) is in parentheses and may hold spaces or ')'.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22 && (rest >> field); ++i) {
    if (i == 22) return std::strtoll(field.c_str(), nullptr, 10);
  }
  return 0;
}

}  // namespace

void set_process_role(std::string role) {
  std::lock_guard lock(role_mutex);
  role_storage() = std::move(role);
}

std::string process_role() {
  std::lock_guard lock(role_mutex);
  return role_storage();
}

std::string ProcessOwner::to_string() const {
  return role + " pid " + std::to_string(pid) + " on " + host;
}

ProcessOwner ProcessOwner::self(std::string role) {
  ProcessOwner o;
  o.host = host_name();
  o.pid = static_cast<int64_t>(getpid());
  o.started = process_start(o.pid);
  o.role = std::move(role);
  return o;
}

// Only a process on this host can be looked at. An owner on another host
// (a state store on a shared disk) counts as alive: taking over its locks
// could run a flow twice at once, which is worse than waiting for someone
// to remove a stale lock. An owner with no host (a run written before
// owners were recorded) is gone: no process can still be writing it.
bool ProcessOwner::alive() const {
  if (host.empty() || pid <= 0) return false;
  if (host != host_name()) return true;
  if (pid > INT_MAX) return false;
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  if (started == 0) return true;  // start unknown: the pid alone decides
  int64_t now_started = process_start(pid);
  // Unreadable (exited between the two looks, or /proc hidden): only a
  // different start time proves a different process.
  if (now_started == 0) return kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
  return now_started == started;
}

}  // namespace crmsync
