#pragma once

// A blocking loopback client that writes bytes exactly as given, for tests
// of what the HTTP server does with malformed, slow or huge requests (an HTTP
// library would refuse to send them).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>

namespace crmsync::testing {

class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(fd_);
      fd_ = -1;
    }
    int one = 1;
    if (fd_ >= 0) setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  ~RawConnection() {
    if (fd_ >= 0) close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  RawConnection(RawConnection&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  // False when the peer has closed or reset the connection.
  bool send_all(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response (Content-Length or chunked body, or up to EOF when
  // neither) within `timeout`; returns what arrived, possibly partial.
  std::string read_response(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (size_t end = complete_length(); end != std::string::npos) {
        std::string out = buffer_.substr(0, end);
        buffer_.erase(0, end);
        return out;
      }
      if (!fill(deadline)) {
        std::string out = std::move(buffer_);
        buffer_.clear();
        return out;
      }
    }
  }

  // True when the server closes (FIN or RST) within `timeout`; bytes that
  // arrive meanwhile are kept for read_response.
  bool closed_within(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (fill(deadline)) {
    }
    return eof_;
  }

  static int status_of(std::string_view response) {
    if (response.size() < 12 || response.substr(0, 5) != "HTTP/") return -1;
    return std::atoi(std::string(response.substr(9, 3)).c_str());
  }
  static std::string body_of(std::string_view response) {
    size_t at = response.find("\r\n\r\n");
    return at == std::string_view::npos ? "" : std::string(response.substr(at + 4));
  }

 private:
  // Reads what is there; false at EOF, on error or at the deadline.
  bool fill(std::chrono::steady_clock::time_point deadline) {
    if (eof_) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  size_t complete_length() const {
    size_t head = buffer_.find("\r\n\r\n");
    if (head == std::string::npos) return std::string::npos;
    std::string lower = buffer_.substr(0, head);
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    size_t at = lower.find("content-length:");
    if (at != std::string::npos) {
      size_t need = head + 4 + std::stoul(lower.substr(at + 15));
      return buffer_.size() >= need ? need : std::string::npos;
    }
    if (lower.find("transfer-encoding: chunked") != std::string::npos) {
      size_t end = buffer_.find("\r\n0\r\n\r\n", head);
      return end == std::string::npos ? std::string::npos : end + 7;
    }
    return std::string::npos;  // until EOF
  }

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace crmsync::testing
