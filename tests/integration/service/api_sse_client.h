#pragma once

// A Server-Sent Events client over a raw socket: sends one GET, then reads
// the chunked body as it comes and splits it into events, as an EventSource
// would (id, event, data; comment lines counted apart).
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <optional>
#include <string>

#include "api_harness.h"
#include "support/raw_http.h"

namespace crmsync::testing {

struct SseEvent {
  std::string event;  // "message" when unnamed
  std::string id;
  std::string data;
};

class SseClient {
 public:
  SseClient(int port, const std::string& path, const std::string& token,
            const std::string& last_event_id = "")
      : conn_(port), path_(path) {
    std::string req =
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
    if (!last_event_id.empty()) req += "Last-Event-ID: " + last_event_id + "\r\n";
    req += "\r\n";
    conn_.send_all(req);
  }

  // The status line and headers (waits for them).
  std::string head(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (head_.empty()) {
      size_t end = raw_.find("\r\n\r\n");
      if (end != std::string::npos) {
        head_ = raw_.substr(0, end + 4);
        raw_.erase(0, end + 4);
        break;
      }
      if (!fill(deadline)) break;
    }
    return head_;
  }
  int status() { return RawConnection::status_of(head()); }

  // The next event within `timeout`; nullopt at the end of the stream or
  // the deadline (closed() tells which).
  std::optional<SseEvent> next(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    head(timeout);
    for (;;) {
      decode_chunks();
      if (auto e = take_event()) {
        if (status() == 200) AnswerRecorder::get().add_event(path_, e->data);
        return e;
      }
      if (ended_ || !fill(deadline)) return std::nullopt;
    }
  }
  // The whole body read so far, decoded (events and comments).
  const std::string& text() const { return text_; }
  int comments() const { return comments_; }
  bool ended() const { return ended_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline) {
    if (eof_) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{conn_.fd(), POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[16384];
    ssize_t n = ::recv(conn_.fd(), buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      ended_ = true;
      return false;
    }
    raw_.append(buf, static_cast<size_t>(n));
    return true;
  }

  void decode_chunks() {
    if (head_.empty()) return;
    for (;;) {
      size_t line_end = raw_.find("\r\n");
      if (line_end == std::string::npos) return;
      size_t size = std::stoul(raw_.substr(0, line_end), nullptr, 16);
      if (raw_.size() < line_end + 2 + size + 2) return;
      if (size == 0) {
        ended_ = true;
        raw_.clear();
        return;
      }
      std::string data = raw_.substr(line_end + 2, size);
      raw_.erase(0, line_end + 2 + size + 2);
      text_ += data;
      pending_ += data;
    }
  }

  std::optional<SseEvent> take_event() {
    for (;;) {
      size_t end = pending_.find("\n\n");
      if (end == std::string::npos) return std::nullopt;
      std::string block = pending_.substr(0, end + 1);
      pending_.erase(0, end + 2);
      SseEvent e;
      e.event = "message";
      bool any = false;
      size_t at = 0;
      while (at < block.size()) {
        size_t nl = block.find('\n', at);
        std::string line = block.substr(at, nl - at);
        at = nl + 1;
        if (line.empty()) continue;
        if (line[0] == ':') {
          ++comments_;
          continue;
        }
        size_t colon = line.find(':');
        std::string field = line.substr(0, colon);
        std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        if (field == "event") e.event = value, any = true;
        if (field == "id") e.id = value, any = true;
        if (field == "data") e.data += value, any = true;
      }
      if (any && !(e.data.empty() && e.event == "message")) return e;
    }
  }

  RawConnection conn_;
  std::string path_;
  std::string raw_, head_, text_, pending_;
  bool eof_ = false, ended_ = false;
  int comments_ = 0;
};

}  // namespace crmsync::testing
