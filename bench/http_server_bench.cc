// The HTTP server under load, through the Pipedrive sandbox (a real route,
// its plan limits off): GET throughput with 1, 16 and 256 keep-alive
// clients; the latency of one request on a fresh connection while 1,000
// idle and 100 half-open connections are held; the resident memory each
// idle connection costs. Raw sockets, so the client costs little next to the
// server. Prints a table; never asserts on time (issue 17's benchmark).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/pipedrive/pipedrive_sandbox.h"

namespace {

using crmsync::sandbox::pipedrive::PipedriveSandbox;
using crmsync::sandbox::pipedrive::PipedriveSandboxOptions;
using Clock = std::chrono::steady_clock;

constexpr double kThroughputSeconds = 3.0;
constexpr int kLatencySamples = 200;
constexpr double kLatencyMaxSeconds = 30.0;  // today's server may starve a request for seconds

int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

void set_receive_timeout(int fd, double seconds) {
  timeval tv{static_cast<time_t>(seconds),
             static_cast<suseconds_t>((seconds - (long)seconds) * 1e6)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

// Sends `request` and reads one response with a Content-Length body.
// Returns the status, or -1 on a closed connection, a timeout or garbage.
int exchange(int fd, const std::string& request, std::string& buffer) {
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) != (ssize_t)request.size()) return -1;
  buffer.clear();
  size_t head_end = std::string::npos;
  size_t need = 0;
  char chunk[16384];
  for (;;) {
    if (head_end != std::string::npos && buffer.size() >= need) break;
    ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return -1;
    buffer.append(chunk, static_cast<size_t>(n));
    if (head_end == std::string::npos) {
      head_end = buffer.find("\r\n\r\n");
      if (head_end == std::string::npos) continue;
      size_t length = 0;
      std::string head = buffer.substr(0, head_end);
      std::transform(head.begin(), head.end(), head.begin(), ::tolower);
      size_t at = head.find("content-length:");
      if (at != std::string::npos) length = std::stoul(head.substr(at + 15));
      need = head_end + 4 + length;
    }
  }
  if (buffer.size() < 12) return -1;
  return std::atoi(buffer.c_str() + 9);
}

std::string get_request(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nx-api-token: demo-token\r\n\r\n";
}

long resident_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

std::string load() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

void throughput(int port, int clients) {
  std::atomic<long> ok = 0, failed = 0;
  std::atomic<bool> done = false;
  std::string request = get_request("/api/v2/persons/17");
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      std::string buffer;
      int fd = -1;
      while (!done) {
        if (fd < 0 && (fd = connect_to(port)) < 0) {
          failed++;
          continue;
        }
        set_receive_timeout(fd, 10);
        int status = exchange(fd, request, buffer);
        if (status == 200) {
          ok++;
        } else {
          failed++;
          close(fd);
          fd = -1;
        }
      }
      if (fd >= 0) close(fd);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(kThroughputSeconds));
  done = true;
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%-36s %9ld %7ld %10.0f   %s\n",
              ("GET throughput, " + std::to_string(clients) + " clients").c_str(), ok.load(),
              failed.load(), ok / seconds, load().c_str());
}

void latency_under_idle(int port) {
  long before_kb = resident_kb();
  std::vector<int> held;
  for (int i = 0; i < 1000; ++i) {
    int fd = connect_to(port);
    if (fd >= 0) held.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the server accept them
  long idle_kb = resident_kb();
  size_t idle = held.size();
  std::string partial = "GET /api/v2/pers";
  for (int i = 0; i < 100; ++i) {
    int fd = connect_to(port);
    if (fd < 0) continue;
    send(fd, partial.data(), partial.size(), MSG_NOSIGNAL);
    held.push_back(fd);
  }
  std::vector<double> ms;
  int failed = 0;
  std::string request = get_request("/api/v2/persons/17");
  std::string buffer;
  auto start = Clock::now();
  for (int i = 0; i < kLatencySamples; ++i) {
    if (std::chrono::duration<double>(Clock::now() - start).count() > kLatencyMaxSeconds) break;
    auto t0 = Clock::now();
    int fd = connect_to(port);
    int status = -1;
    if (fd >= 0) {
      set_receive_timeout(fd, 10);
      status = exchange(fd, request, buffer);
      close(fd);
    }
    if (status == 200)
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    else
      failed++;
  }
  for (int fd : held) close(fd);
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) {
    return ms.empty() ? -1.0 : ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))];
  };
  std::printf("%-36s %9zu %7d  p50 %.2f ms  p99 %.2f ms  max %.2f ms   %s\n",
              "1 request, 1000 idle + 100 half-open", ms.size(), failed, pct(0.5), pct(0.99),
              ms.empty() ? -1.0 : ms.back(), load().c_str());
  std::printf("%-36s %9zu %7s  %.1f KB per idle connection (RSS %ld -> %ld KB)\n",
              "memory per idle connection", idle, "", idle ? double(idle_kb - before_kb) / idle : 0,
              before_kb, idle_kb);
}

}  // namespace

int main() {
  // 1,100 held sockets, each twice (client and server end) in this process.
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = std::max<rlim_t>(files.rlim_cur, std::min<rlim_t>(files.rlim_max, 8192));
  setrlimit(RLIMIT_NOFILE, &files);

  PipedriveSandboxOptions options;
  options.seed_records = 100;
  options.burst_limit = 0;  // measure the server, not the emulated plan
  options.search_burst_limit = 0;
  options.daily_budget = 0;
  PipedriveSandbox sandbox(options);
  if (auto s = sandbox.start(); !s) {
    std::fprintf(stderr, "bench: %s\n", s.error().to_string().c_str());
    return 1;
  }
  std::printf("%-36s %9s %7s %10s   %s\n", "http server (pipedrive sandbox)", "answered", "errors",
              "req/s", "load avg");
  for (int clients : {1, 16, 256}) throughput(sandbox.port(), clients);
  latency_under_idle(sandbox.port());
  return 0;
}
