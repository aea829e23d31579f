// `crmsync serve` (issue 18), in process with the real scheduler, workers,
// state store and API, on the system clock. Prints a table:
//   idle      CPU and RSS of a serve with 20 scheduled flows, doing nothing
//   fire      how late interval slots are queued (the scheduler's wake-up)
//   runs      GET /api/v1/runs latency with 100,000 runs in history
//   sse       CPU of 100 open progress streams of a running run
// Usage: bench_serve [--idle-secs N] [--runs N] [--streams N] [--sse-secs N]
// Never asserted on time in tests.
// GCC 12 at -O2 reports -Wrestrict false positives on string concatenations
// inlined from libstdc++ (GCC bug 105329); this file builds strings freely.
#pragma GCC diagnostic ignored "-Wrestrict"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "service/api.h"
#include "service/service.h"
#include "state/state_store.h"

namespace fs = std::filesystem;
using namespace crmsync;

namespace {

const char* kToken = "bench-token-0123456789abcdef";

double cpu_secs() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double rss_mb(const char* key) {  // "VmRSS:" or "VmHWM:"
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::stod(line.substr(std::strlen(key))) / 1024.0;
  }
  return 0;
}

// A config of `flows` file -> SQLite flows, each with `trigger`.
std::string write_config(const fs::path& dir, int flows, const std::string& trigger) {
  fs::create_directories(dir / "in");
  for (int i = 0; i < flows; ++i) {
    std::ofstream(dir / "in" / ("f" + std::to_string(i) + ".csv")) << "id,name\n1,a\n2,b\n";
  }
  std::string y =
      "state: {path: state.db}\nconnections:\n  in: {type: file, dir: in}\n"
      "  out: {type: sqlite, path: out.db}\nflows:\n";
  for (int i = 0; i < flows; ++i) {
    std::string n = "f" + std::to_string(i);
    y += "  " + n + ":\n    source: {connection: in, object: " + n +
         ".csv, id_field: id}\n    target: {connection: out, object: " + n +
         "}\n    trigger: " + trigger + "\n    mapping: {id: id, name: name}\n";
  }
  fs::path p = dir / "crmsync.yaml";
  std::ofstream(p) << y;
  return p.string();
}

std::unique_ptr<service::Service> start_serve(const std::string& config,
                                              std::function<void(std::string_view)> log) {
  service::ServeOptions o;
  o.config_path = config;
  o.listen = "127.0.0.1:0";
  o.api_token = kToken;
  o.log = std::move(log);
  o.register_routes = [](net::HttpServer& s, service::ServiceControl& c, service::Metrics& m) {
    service::register_api(s, c, m, service::ApiOptions{kToken});
  };
  auto svc = service::Service::create(o);
  if (!svc) {
    std::fprintf(stderr, "serve: %s\n", svc.error().message.c_str());
    std::exit(1);
  }
  if (Status s = (*svc)->start(); !s) {
    std::fprintf(stderr, "serve start: %s\n", s.error().message.c_str());
    std::exit(1);
  }
  return std::move(*svc);
}

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  return fd;
}

// One keep-alive GET; returns the status and reads the whole body.
int get(int fd, const std::string& path, std::string& body) {
  std::string req =
      "GET " + path + " HTTP/1.1\r\nHost: b\r\nAuthorization: Bearer " + kToken + "\r\n\r\n";
  if (::write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) return 0;
  std::string in;
  char buf[65536];
  size_t head_end = std::string::npos, length = 0;
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return 0;
    in.append(buf, static_cast<size_t>(n));
    if (head_end == std::string::npos) {
      head_end = in.find("\r\n\r\n");
      if (head_end == std::string::npos) continue;
      size_t cl = in.find("Content-Length: ");
      if (cl == std::string::npos) cl = in.find("content-length: ");
      length = cl == std::string::npos ? 0 : std::stoul(in.substr(cl + 16));
    }
    if (in.size() >= head_end + 4 + length) break;
  }
  body = in.substr(head_end + 4, length);
  return std::stoi(in.substr(9, 3));
}

void row(const char* what, const std::string& value, const char* goal) {
  std::printf("| %-44s | %-26s | %-22s |\n", what, value.c_str(), goal);
}

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  int idle_secs = 60, runs = 100000, streams = 100, sse_secs = 10;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> int {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a number\n", a.c_str());
        std::exit(2);
      }
      return std::atoi(argv[++i]);
    };
    if (a == "--idle-secs")
      idle_secs = next();
    else if (a == "--runs")
      runs = next();
    else if (a == "--streams")
      streams = next();
    else if (a == "--sse-secs")
      sse_secs = next();
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  fs::path root = fs::temp_directory_path() / ("crmsync-bench-serve-" + std::to_string(getpid()));
  fs::remove_all(root);
  std::printf("| %-44s | %-26s | %-22s |\n|---|---|---|\n", "measure", "result", "goal");

  // idle: 20 daily flows; nothing fires in the window.
  {
    auto svc = start_serve(write_config(root / "idle", 20, "{schedule: \"0 3 * * *\"}"),
                           [](std::string_view) {});
    std::this_thread::sleep_for(std::chrono::seconds(2));  // connection checks settle
    double c0 = cpu_secs();
    auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(idle_secs));
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double cpu = cpu_secs() - c0;
    row(("idle, 20 scheduled flows, " + std::to_string(idle_secs) + " s: CPU").c_str(),
        fmt("%.3f%% of one core", 100 * cpu / wall), "<= 0.5% (10 min)");
    row("idle: RSS now / peak",
        fmt("%.1f MB", rss_mb("VmRSS:")) + fmt(" / %.1f MB", rss_mb("VmHWM:")), "<= 40 MB");
    svc->stop();
  }

  // fire: an interval schedule; how late each slot is queued.
  {
    std::mutex mu;
    std::vector<long> delays;
    auto svc = start_serve(write_config(root / "fire", 1, "{schedule: every 1s}"),
                           [&](std::string_view line) {
                             if (line.find("\"slot_fired\"") == std::string_view::npos) return;
                             size_t at = line.find("\"delay_ms\":");
                             if (at == std::string_view::npos) return;
                             std::lock_guard<std::mutex> lock(mu);
                             delays.push_back(std::atol(std::string(line.substr(at + 11)).c_str()));
                           });
    std::this_thread::sleep_for(std::chrono::seconds(20));
    svc->stop();
    std::lock_guard<std::mutex> lock(mu);
    std::sort(delays.begin(), delays.end());
    if (!delays.empty()) {
      row(("fire: slots queued after their time (" + std::to_string(delays.size()) + ")").c_str(),
          "p50 " + std::to_string(delays[delays.size() / 2]) + " ms, max " +
              std::to_string(delays.back()) + " ms",
          "within 1 s");
    }
  }

  // runs: GET /api/v1/runs with `runs` runs in history.
  {
    fs::path dir = root / "runs";
    std::string config = write_config(dir, 3, "{manual: true}");
    {
      auto store = open_sqlite_state_store((dir / "state.db").string());
      if (!store) {
        std::fprintf(stderr, "%s\n", store.error().message.c_str());
        return 1;
      }
      auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < runs; ++i) {
        RunRequest rq;
        rq.flows = {"f" + std::to_string(i % 3)};
        rq.trigger = "schedule";
        auto id = (*store)->queue_run(rq, 1'700'000'000'000'000 + i);
        if (!id || !(*store)->start_run(*id, 1'700'000'000'000'001 + i) ||
            !(*store)->end_run(*id, i % 10 ? RunStatus::succeeded : RunStatus::partial, "",
                               1'700'000'000'000'002 + i)) {
          std::fprintf(stderr, "filling the history failed\n");
          return 1;
        }
      }
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      row(("runs: history of " + std::to_string(runs) + " runs written").c_str(),
          fmt("%.1f s", secs), "");
    }
    auto svc = start_serve(config, [](std::string_view) {});
    int fd = connect_to(svc->port());
    for (const char* path :
         {"/api/v1/runs?limit=50", "/api/v1/runs?limit=50&before=20000",
          "/api/v1/runs?limit=50&status=partial", "/api/v1/runs?limit=50&flow=f1"}) {
      std::vector<double> ms;
      std::string body;
      for (int i = 0; i < 200; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        int status = get(fd, path, body);
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
        if (status != 200) {
          std::fprintf(stderr, "GET %s: %d %s\n", path, status, body.c_str());
          return 1;
        }
      }
      std::sort(ms.begin(), ms.end());
      row((std::string("GET ") + (path + 7)).c_str(),
          fmt("p50 %.2f ms", ms[100]) + fmt(", p99 %.2f ms", ms[198]), "< 20 ms");
    }
    ::close(fd);
    svc->stop();
  }

  // sse: `streams` progress streams of a run that waits for its flow's
  // lock, held by another process (as a `crmsync run` would hold it).
  {
    fs::path dir = root / "sse";
    std::string config = write_config(dir, 1, "{manual: true}");
    std::vector<std::string> flows{"f0"};
    int up[2], down[2];
    if (::pipe(up) != 0 || ::pipe(down) != 0) return 1;
    pid_t holder = ::fork();  // before serve's threads exist
    if (holder == 0) {
      ::close(up[0]);
      ::close(down[1]);
      auto store = open_sqlite_state_store((dir / "state.db").string());
      char c = store && (*store)->lock_flows(flows, 0, 1).ok() ? 'k' : 'x';
      if (::write(up[1], &c, 1) != 1) _exit(1);
      (void)::read(down[0], &c, 1);  // until the parent closes its end
      _exit(0);
    }
    ::close(up[1]);
    ::close(down[0]);
    char held = 0;
    if (::read(up[0], &held, 1) != 1 || held != 'k') {
      std::fprintf(stderr, "cannot hold the flow lock\n");
      return 1;
    }
    auto svc = start_serve(config, [](std::string_view) {});
    RunRequest rq;
    rq.flows = flows;
    auto id = svc->submit(rq);
    if (!id) return 1;
    std::this_thread::sleep_for(std::chrono::seconds(1));
    double c0 = cpu_secs();
    std::this_thread::sleep_for(std::chrono::seconds(sse_secs));
    double base = (cpu_secs() - c0) / sse_secs;

    std::vector<int> fds;
    std::atomic<bool> done{false};
    std::atomic<long> bytes{0};
    for (int i = 0; i < streams; ++i) {
      int fd = connect_to(svc->port());
      std::string req = "GET /api/v1/runs/" + std::to_string(*id.value) +
                        "/events HTTP/1.1\r\nHost: b\r\nAccept: text/event-stream\r\n"
                        "Authorization: Bearer " +
                        std::string(kToken) + "\r\n\r\n";
      if (::write(fd, req.data(), req.size()) < 0) return 1;
      fds.push_back(fd);
    }
    std::thread reader([&] {
      char buf[4096];
      while (!done) {
        for (int fd : fds) {
          ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
          if (n > 0) bytes += n;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
    std::this_thread::sleep_for(std::chrono::seconds(1));
    c0 = cpu_secs();
    long b0 = bytes;
    std::this_thread::sleep_for(std::chrono::seconds(sse_secs));
    double with = (cpu_secs() - c0) / sse_secs;
    long got = bytes - b0;
    done = true;
    reader.join();
    for (int fd : fds) ::close(fd);
    row(("sse: " + std::to_string(streams) + " open progress streams: CPU").c_str(),
        fmt("%.2f%% of one core", 100 * (with - base)) + fmt(" (+%.2f%% base)", 100 * base),
        "< 5%");
    row("sse: event bytes per stream per second",
        fmt("%.0f", static_cast<double>(got) / streams / sse_secs), ">= 1 event/s");
    ::close(down[1]);
    ::waitpid(holder, nullptr, 0);
    svc->stop();
  }
  fs::remove_all(root);
  return 0;
}
