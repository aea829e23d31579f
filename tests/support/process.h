#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/eventually.h"

extern char** environ;

namespace crmsync::testing {

// Runs a program with its output sent to `log` (appended); for tests that
// drive the real binary, kill it and look at what it left behind. `env`
// ("NAME=value") is added to the test's environment, replacing a variable
// of the same name.
class Process {
 public:
  Process(const std::vector<std::string>& argv, const std::string& cwd, const std::string& log,
          const std::vector<std::string>& env = {}) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> merged = env;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string entry = *e;
      std::string name = entry.substr(0, entry.find('='));
      bool replaced = false;
      for (const auto& x : env) replaced = replaced || x.substr(0, x.find('=')) == name;
      if (!replaced) merged.push_back(entry);
    }
    std::vector<char*> envp;
    for (auto& e : merged) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
    if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Process() {
    if (pid_ > 0 && !done_) {
      kill(pid_, SIGKILL);
      wait();
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Sends `sig` unless the process was already reaped.
  void signal(int sig) {
    if (pid_ > 0 && !done_) ::kill(pid_, sig);
  }
  // Whether it still runs (reaps it when it has ended).
  bool running() { return pid_ > 0 && !done_ && !try_reap(); }
  // The exit code (or 128 + signal) when it ends within `limit`.
  std::optional<int> wait_for(std::chrono::milliseconds limit) {
    if (!eventually([&] { return done_ || try_reap(); }, limit)) return std::nullopt;
    return status_;
  }
  // Exit code, or 128 + signal.
  int wait() {
    if (done_) return status_;
    int st = 0;
    waitpid(pid_, &st, 0);
    done_ = true;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return status_;
  }
  // True when it was still running and got killed.
  bool kill_after(std::chrono::milliseconds delay) {
    auto until = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < until) {
      if (try_reap()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    kill(pid_, SIGKILL);
    wait();
    return true;
  }

 private:
  // True when it has ended (and is now reaped).
  bool try_reap() {
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) != pid_) return false;
    done_ = true;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return true;
  }

  pid_t pid_ = -1;
  bool done_ = false;
  int status_ = 0;
};

}  // namespace crmsync::testing
