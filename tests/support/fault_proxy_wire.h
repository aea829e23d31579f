#pragma once

// HTTP/1.1 framing for the fault proxy (fault_proxy.h): reads one request or
// one response off a socket, byte for byte as it came, and finds where it
// ends (Content-Length, chunked, or the close of the connection), so a
// keep-alive connection can carry the next one. Only as much of HTTP as
// libcurl and the sandboxes use; anything it cannot frame fails the read.

#include <strings.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crmsync::testing::wire {

inline bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// One socket and the bytes read from it but not yet consumed.
struct Peer {
  int fd = -1;
  std::string buf;

  // Appends what the socket has (blocking); false on close or error.
  bool fill() {
    char chunk[16384];
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    return true;
  }
  bool send_all(const std::string& bytes) const {
    size_t at = 0;
    while (at < bytes.size()) {
      ssize_t n = ::send(fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
      if (n <= 0) return false;
      at += static_cast<size_t>(n);
    }
    return true;
  }
};

// A parsed start line and header block; `head` is its raw text including
// the blank line.
struct Head {
  std::string head;
  std::string first_line;
  std::vector<std::pair<std::string, std::string>> headers;

  std::optional<std::string> header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (iequals(k, name)) return v;
    }
    return std::nullopt;
  }
  bool chunked() const {
    auto te = header("Transfer-Encoding");
    return te && te->find("chunked") != std::string::npos;
  }
};

// Reads up to and including the blank line after the headers.
inline std::optional<Head> read_head(Peer& p) {
  size_t end;
  while ((end = p.buf.find("\r\n\r\n")) == std::string::npos) {
    if (p.buf.size() > (1u << 20) || !p.fill()) return std::nullopt;
  }
  Head h;
  h.head = p.buf.substr(0, end + 4);
  p.buf.erase(0, end + 4);
  size_t line_end = h.head.find("\r\n");
  h.first_line = h.head.substr(0, line_end);
  size_t at = line_end + 2;
  while (at < end) {
    size_t eol = h.head.find("\r\n", at);
    std::string line = h.head.substr(at, eol - at);
    at = eol + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    size_t v = colon + 1;
    while (v < line.size() && line[v] == ' ') ++v;
    h.headers.emplace_back(line.substr(0, colon), line.substr(v));
  }
  return h;
}

// The body after `h`, raw (as it goes on the wire) and decoded (chunks
// joined). `until_close`: a response without length ends with the
// connection.
struct Body {
  std::string raw, decoded;
};
inline std::optional<Body> read_body(Peer& p, const Head& h, bool until_close) {
  Body b;
  if (h.chunked()) {
    while (true) {
      size_t eol;
      while ((eol = p.buf.find("\r\n")) == std::string::npos) {
        if (!p.fill()) return std::nullopt;
      }
      uint64_t size = std::stoull(p.buf.substr(0, eol), nullptr, 16);
      size_t need = eol + 2 + size + 2;
      while (p.buf.size() < need) {
        if (!p.fill()) return std::nullopt;
      }
      b.decoded += p.buf.substr(eol + 2, size);
      b.raw += p.buf.substr(0, need);
      p.buf.erase(0, need);
      if (size == 0) return b;  // no trailers: libcurl and the sandboxes send none
    }
  }
  if (auto len = h.header("Content-Length")) {
    size_t n = std::stoull(*len);
    while (p.buf.size() < n) {
      if (!p.fill()) return std::nullopt;
    }
    b.raw = p.buf.substr(0, n);
    p.buf.erase(0, n);
  } else if (until_close) {
    while (p.fill()) {
    }
    b.raw = std::move(p.buf);
    p.buf.clear();
  }
  b.decoded = b.raw;
  return b;
}

// "HTTP/1.1 201 Created" -> 201; 0 when unreadable.
inline int status_of(const Head& h) {
  size_t sp = h.first_line.find(' ');
  if (sp == std::string::npos) return 0;
  try {
    return std::stoi(h.first_line.substr(sp + 1, 3));
  } catch (...) {
    return 0;
  }
}

}  // namespace crmsync::testing::wire
