#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace crmsync::testing {

// A loopback HTTP server that quotes every request back, the way some APIs
// echo a request in their error answers (issue 30: a 401 body carrying
// `Authorization=Basic ...`). Every request gets `status` with a body
// holding the request line, every header as `Name=value`, the body, and
// then `tail` (raw bytes, for invalid UTF-8). Fixed answers for chosen paths
// (a login or token endpoint) come first. With `json`, the echo is the
// string "message" of a JSON object (so it arrives JSON-escaped and is
// decoded by the client). Plain POSIX sockets, one connection at a time,
// `Connection: close`: independent of src/net, which is the part under test.
class EchoServer {
 public:
  explicit EchoServer(int status = 401) : status_(status) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 64) != 0)
      std::abort();
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { loop(); });
  }
  ~EchoServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // `path` (without query) answers `status` with `body` (JSON) instead.
  void answer(const std::string& path, int status, const std::string& body) {
    std::lock_guard lock(mu_);
    fixed_[path] = {status, body};
  }
  void set_tail(std::string bytes) {
    std::lock_guard lock(mu_);
    tail_ = std::move(bytes);
  }
  void set_json(bool json) {
    std::lock_guard lock(mu_);
    json_ = json;
  }
  int requests() const { return requests_; }

 private:
  void loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      serve(c);
      ::close(c);
    }
  }

  static std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char ch : s) {
      if (ch == '"' || ch == '\\') {
        out += '\\';
        out += static_cast<char>(ch);
      } else if (ch < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", ch);
        out += buf;
      } else {
        out += static_cast<char>(ch);
      }
    }
    return out + "\"";
  }

  void serve(int c) {
    std::string in;
    char buf[8192];
    size_t head_end = std::string::npos;
    size_t want = 0;
    for (;;) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) return;
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      in.append(buf, static_cast<size_t>(n));
      if (head_end == std::string::npos) {
        head_end = in.find("\r\n\r\n");
        if (head_end == std::string::npos) continue;
        size_t cl = in.find("\r\nContent-Length:");
        if (cl == std::string::npos) cl = in.find("\r\ncontent-length:");
        want = cl != std::string::npos && cl < head_end
                   ? std::strtoul(in.c_str() + cl + 17, nullptr, 10)
                   : 0;
      }
      if (in.size() >= head_end + 4 + want) break;
    }
    ++requests_;
    std::string head = in.substr(0, head_end);
    std::string body = in.substr(head_end + 4, want);
    std::string line = head.substr(0, head.find("\r\n"));
    std::string path = line.substr(line.find(' ') + 1);
    path = path.substr(0, path.find(' '));
    std::string bare = path.substr(0, path.find('?'));
    int status;
    std::string out;
    std::string type = "text/plain";
    {
      std::lock_guard lock(mu_);
      auto it = fixed_.find(bare);
      if (it != fixed_.end()) {
        status = it->second.first;
        out = it->second.second;
        type = "application/json";
      } else {
        status = status_;
        std::string echo = "denied; you sent: " + line + "\n";
        for (size_t at = head.find("\r\n"); at != std::string::npos;) {
          size_t next = head.find("\r\n", at + 2);
          std::string h = head.substr(at + 2, next == std::string::npos ? next : next - at - 2);
          size_t colon = h.find(':');
          if (colon != std::string::npos) {
            size_t v = h.find_first_not_of(' ', colon + 1);
            echo += h.substr(0, colon) + "=" + (v == std::string::npos ? "" : h.substr(v)) + "\n";
          }
          at = next;
        }
        echo += "body=" + body + "\n";
        if (json_) {
          out = "{\"message\": " + json_string(echo) + ", \"raw\": \"" + tail_ + "\"}";
          type = "application/json";
        } else {
          out = echo + tail_;
        }
      }
    }
    std::string res = "HTTP/1.1 " + std::to_string(status) + " Echo\r\nContent-Type: " + type +
                      "\r\nContent-Length: " + std::to_string(out.size()) +
                      "\r\nConnection: close\r\n\r\n" + out;
    for (size_t sent = 0; sent < res.size();) {
      ssize_t n = ::send(c, res.data() + sent, res.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  int status_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::mutex mu_;
  std::map<std::string, std::pair<int, std::string>> fixed_;
  std::string tail_;
  bool json_ = false;
  std::thread thread_;
};

}  // namespace crmsync::testing
