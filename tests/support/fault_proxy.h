#pragma once

// A fault-injecting HTTP/1.1 proxy for end-to-end tests. It listens on
// 127.0.0.1 (port 0), forwards each request of a client connection to an
// upstream (a sandbox) over a keep-alive connection of its own, and for the
// requests a rule picks, loses the answer AFTER the upstream applied the
// request: the write happened, the client cannot know.
//
//   FaultProxy proxy(sandbox.port(), {{"POST", {"/api/v2/persons"}, 0.05,
//                                      ProxyFault::drop_answer}});
//   ... point the client at proxy.url() ...
//   proxy.exchanges()   // every request forwarded, with its body and fate
//
// Which requests are hit is decided per rule by a seeded hash of the
// rule's running count of matching requests, so a given number of matching
// requests always draws the same faults (which record gets one depends on
// the client's order). A fault is injected only on a 2xx answer: the
// write was applied. Threads: one accepting, one per client connection;
// the destructor shuts every socket down and joins them all.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/fault_proxy_wire.h"

namespace crmsync::testing {

enum class ProxyFault {
  none,
  drop_answer,        // the whole answer read from upstream, none of it sent, then RST
  reset_after_store,  // the answer's head and half its body sent, then RST
};

// "DropAnswer", as a test name.
inline std::string fault_name(ProxyFault f) {
  return f == ProxyFault::drop_answer         ? "DropAnswer"
         : f == ProxyFault::reset_after_store ? "ResetAfterStore"
                                              : "None";
}

struct ProxyRule {
  std::string method;              // "POST"
  std::vector<std::string> paths;  // request paths (query excluded) the rule covers
  double rate = 0.05;              // share of the matching requests hit
  ProxyFault fault = ProxyFault::drop_answer;
};

// One request forwarded upstream and what became of it.
struct ProxyExchange {
  std::string method;
  std::string target;  // path?query as the client sent it
  std::string body;    // decoded
  int status = 0;      // the upstream's answer; 0 when none came
  ProxyFault fault = ProxyFault::none;
};

class FaultProxy {
 public:
  FaultProxy(int upstream_port, std::vector<ProxyRule> rules, uint64_t seed = 1)
      : upstream_port_(upstream_port), rules_(std::move(rules)), seed_(seed) {
    counts_.resize(rules_.size());
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_fd_, 128) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ::close(listen_fd_);
      throw std::runtime_error("fault proxy: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~FaultProxy() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
    acceptor_.join();
    {
      std::lock_guard lock(mu_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // wakes recv()
    }
    for (std::thread& t : workers_) t.join();
    ::close(listen_fd_);
  }
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Every request forwarded, in the order they arrived (so lookups and
  // creates can be put in sequence).
  std::vector<ProxyExchange> exchanges() const {
    std::lock_guard lock(mu_);
    return exchanges_;
  }
  // Requests forwarded, by "METHOD /path" (query excluded).
  std::map<std::string, int64_t> forwarded() const {
    std::lock_guard lock(mu_);
    std::map<std::string, int64_t> out;
    for (const ProxyExchange& e : exchanges_) ++out[e.method + " " + path_of(e.target)];
    return out;
  }
  // Answers lost on purpose.
  int64_t faults() const {
    std::lock_guard lock(mu_);
    int64_t n = 0;
    for (const ProxyExchange& e : exchanges_) n += e.fault != ProxyFault::none;
    return n;
  }

  static std::string path_of(const std::string& target) {
    return target.substr(0, target.find('?'));
  }

 private:
  void accept_loop() {
    while (!stop_) {
      int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) {
        if (stop_ || (errno != EINTR && errno != ECONNABORTED)) return;
        continue;
      }
      std::lock_guard lock(mu_);
      if (stop_) {
        ::close(c);
        return;
      }
      // Partial answers must leave before the RST that follows them.
      int one = 1;
      ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      open_fds_.insert(c);
      workers_.emplace_back([this, c] { serve(c); });
    }
  }

  // Closes `fd` (with an RST when `reset`) and forgets it, under the lock
  // so that the destructor never shuts down a number already reused.
  void close_fd(int fd, bool reset) {
    if (fd < 0) return;
    std::lock_guard lock(mu_);
    if (reset) {
      linger l{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    ::close(fd);
    open_fds_.erase(fd);
  }

  int connect_upstream() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(upstream_port_));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      return -1;
    }
    std::lock_guard lock(mu_);
    if (stop_) {
      ::close(fd);
      return -1;
    }
    open_fds_.insert(fd);
    return fd;
  }

  // True when an idle upstream connection was closed by the upstream (or
  // has bytes nobody asked for): it must not carry the next request.
  static bool stale(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

  // The fault the next request matching `method` and `path` draws.
  ProxyFault draw(const std::string& method, const std::string& path) {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < rules_.size(); ++i) {
      const ProxyRule& r = rules_[i];
      if (r.method != method) continue;
      bool covered = false;
      for (const std::string& p : r.paths) covered = covered || p == path;
      if (!covered) continue;
      uint64_t x = seed_ ^ (0x9E3779B97F4A7C15ull * (i + 1)) ^ (counts_[i]++ << 20);
      // splitmix64's finalizer: a well-mixed 64-bit value per (seed, rule, n)
      x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
      x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
      x ^= x >> 31;
      return static_cast<double>(x >> 11) / 9007199254740992.0 < r.rate ? r.fault
                                                                        : ProxyFault::none;
    }
    return ProxyFault::none;
  }

  void serve(int client_fd) {
    wire::Peer client{client_fd, {}};
    wire::Peer up{-1, {}};
    bool reset_client = false;
    try {
      reset_client = !serve_requests(client, up);
    } catch (const std::exception&) {
      reset_client = true;  // unframeable bytes: fail like a broken server
    }
    close_fd(up.fd, false);
    close_fd(client.fd, reset_client);
  }

  // Forwards requests until the client closes (true) or an answer is lost
  // (false: the client connection is to be reset).
  bool serve_requests(wire::Peer& client, wire::Peer& up) {
    while (!stop_) {
      auto req = wire::read_head(client);
      if (!req) return true;
      // libcurl waits for "100 Continue" before a large body; answer it
      // here and keep the upstream out of it.
      auto expect = req->header("Expect");
      if (expect && expect->find("100") != std::string::npos &&
          !client.send_all("HTTP/1.1 100 Continue\r\n\r\n")) {
        return true;
      }
      auto body = wire::read_body(client, *req, false);
      if (!body) return true;
      std::string head = req->first_line + "\r\n";
      for (const auto& [k, v] : req->headers) {
        if (wire::iequals(k, "Expect")) continue;
        head += k + ": " + v + "\r\n";
      }
      head += "\r\n";

      ProxyExchange ex;
      size_t sp1 = req->first_line.find(' ');
      size_t sp2 = req->first_line.find(' ', sp1 + 1);
      ex.method = req->first_line.substr(0, sp1);
      ex.target = req->first_line.substr(sp1 + 1, sp2 - sp1 - 1);
      ex.body = body->decoded;
      ProxyFault fault = draw(ex.method, path_of(ex.target));
      size_t slot = record(ex);  // in the order requests arrive

      if (up.fd >= 0 && stale(up.fd)) {
        close_fd(up.fd, false);
        up = wire::Peer{-1, {}};
      }
      if (up.fd < 0) up.fd = connect_upstream();
      bool sent = up.fd >= 0 && up.send_all(head + body->raw);
      auto answer = sent ? wire::read_head(up) : std::nullopt;
      std::optional<wire::Body> answer_body;
      if (answer) {
        int st = wire::status_of(*answer);
        bool bodiless = ex.method == "HEAD" || st == 204 || st == 304 || st / 100 == 1;
        answer_body = bodiless ? wire::Body{} : wire::read_body(up, *answer, true);
      }
      if (!answer || !answer_body) return false;  // the upstream failed: so does the client
      int status = wire::status_of(*answer);
      if (status / 100 != 2) fault = ProxyFault::none;  // nothing was applied
      settle(slot, status, fault);
      std::string bytes = answer->head + answer_body->raw;
      if (fault == ProxyFault::drop_answer) return false;
      if (fault == ProxyFault::reset_after_store) {
        client.send_all(bytes.substr(0, answer->head.size() + answer_body->raw.size() / 2));
        return false;
      }
      if (!client.send_all(bytes)) return true;
      auto conn = answer->header("Connection");
      if (conn && wire::iequals(*conn, "close")) {
        close_fd(up.fd, false);
        up = wire::Peer{-1, {}};
        return true;  // the client saw the same header and closes too
      }
    }
    return true;
  }

  size_t record(const ProxyExchange& ex) {
    std::lock_guard lock(mu_);
    exchanges_.push_back(ex);
    return exchanges_.size() - 1;
  }
  void settle(size_t slot, int status, ProxyFault fault) {
    std::lock_guard lock(mu_);
    exchanges_[slot].status = status;
    exchanges_[slot].fault = fault;
  }

  int upstream_port_;
  std::vector<ProxyRule> rules_;
  uint64_t seed_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;

  mutable std::mutex mu_;
  std::vector<uint64_t> counts_;  // matching requests so far, per rule
  std::set<int> open_fds_;
  std::vector<std::thread> workers_;
  std::vector<ProxyExchange> exchanges_;
};

}  // namespace crmsync::testing
