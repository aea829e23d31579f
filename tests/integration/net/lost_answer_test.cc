// A request whose answer is lost must not be sent again by the transport.
//
// libcurl retries a request on a fresh connection when a reused keep-alive
// connection gives back no byte ("Connection died, retrying a fresh
// connect"), POST bodies included. The server here is plain POSIX sockets so
// that it can do what a real server or proxy does when it dies after
// applying a request: read the request completely, then reset the
// connection (SO_LINGER 0) without a byte of answer.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/http_client.h"

namespace crmsync::net {
namespace {

// Answers GETs with keep-alive; reads a POST (or PATCH) completely and
// resets the connection instead of answering the first one; answers any
// later one with 201 (so a resend would succeed and be counted).
class ResettingServer {
 public:
  explicit ResettingServer(bool answer_nothing = false) : answer_nothing_(answer_nothing) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
      ADD_FAILURE() << "cannot listen";
      return;
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ResettingServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (std::thread& t : connections_) t.join();
    ::close(listen_fd_);
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Request lines seen, in order, each with the number of its connection.
  std::vector<std::string> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  int count(const std::string& method) {
    int n = 0;
    for (const std::string& s : seen()) n += s.find(" " + method + " ") != std::string::npos;
    return n;
  }

 private:
  // Polls so that the thread notices stop_ (the test's end), not to wait
  // for anything the test checks.
  bool readable(int fd) {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      int r = ::poll(&p, 1, 20);
      if (r > 0) return true;
      if (r < 0) return false;
    }
    return false;
  }

  void serve() {
    int connection = 0;
    while (readable(listen_fd_)) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      // A connection of its own: the client may open a fresh one while
      // an earlier one is kept alive.
      ++connection;
      connections_.emplace_back([this, fd, connection] { handle(fd, connection); });
    }
  }

  // One connection, requests one after another (keep-alive).
  void handle(int fd, int connection) {
    std::string buf;
    while (true) {
      size_t end;
      while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
        if (!read_more(fd, buf)) return (void)::close(fd);
      }
      std::string head = buf.substr(0, end);
      size_t length = 0;
      if (size_t at = head.find("Content-Length: "); at != std::string::npos) {
        length = std::stoul(head.substr(at + 16));
      }
      while (buf.size() < end + 4 + length) {
        if (!read_more(fd, buf)) return (void)::close(fd);
      }
      std::string line = head.substr(0, head.find("\r\n"));
      buf.erase(0, end + 4 + length);
      bool write = line.rfind("GET ", 0) != 0;
      int writes_before = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (const std::string& s : seen_) writes_before += s.find(" GET ") == std::string::npos;
        seen_.push_back("conn" + std::to_string(connection) + " " + line);
      }
      if (write && (writes_before == 0 || answer_nothing_)) {
        if (answer_nothing_) {  // keep the connection open, answer never
          while (read_more(fd, buf)) {
          }
          return (void)::close(fd);
        }
        linger hard{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        ::close(fd);  // RST: the request was applied, the answer is lost
        return;
      }
      std::string answer = write ? "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}"
                                 : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      if (::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL) < 0) return (void)::close(fd);
    }
  }

  bool read_more(int fd, std::string& buf) {
    if (!readable(fd)) return false;
    char chunk[4096];
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    return true;
  }

  bool answer_nothing_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<std::thread> connections_;  // touched by thread_ only, until joined
  std::mutex mu_;
  std::vector<std::string> seen_;
};

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

HttpClientRequest request(const std::string& method, const std::string& url, std::string body) {
  HttpClientRequest req;
  req.method = method;
  req.url = url;
  req.body = std::move(body);
  req.timeout_secs = 5;
  return req;
}

void post_after_keep_alive_get(const std::string& method, const std::string& body) {
  ResettingServer server;
  HttpClient client;
  auto got = client.send(request("GET", server.url("/persons"), ""));
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  ASSERT_EQ(got->status, 200);

  auto req = request(method, server.url("/persons"), body);
  EXPECT_FALSE(req.is_idempotent());
  auto sent = client.send(req);
  ASSERT_FALSE(sent.ok()) << "the " << method << " was answered, so it was sent twice:\n"
                          << joined(server.seen());
  EXPECT_TRUE(sent.error().outcome_unknown) << sent.error().to_string();
  EXPECT_EQ(sent.error().kind, ErrorKind::retryable) << sent.error().to_string();
  EXPECT_EQ(server.count(method), 1) << joined(server.seen());
}

TEST(LostAnswer, PostOnReusedConnectionIsNeverResentByTheTransport) {
  post_after_keep_alive_get("POST", R"({"name":"Ada"})");
}

TEST(LostAnswer, PatchAndEmptyPostAreNotResentEither) {
  post_after_keep_alive_get("PATCH", R"({"name":"Ada"})");
  post_after_keep_alive_get("POST", "");
}

TEST(LostAnswer, IdempotentRequestsDefaultFromTheMethodAndCanBeOverridden) {
  for (const char* m : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}) {
    HttpClientRequest r;
    r.method = m;
    EXPECT_TRUE(r.is_idempotent()) << m;
  }
  for (const char* m : {"POST", "PATCH"}) {
    HttpClientRequest r;
    r.method = m;
    EXPECT_FALSE(r.is_idempotent()) << m;
  }
  // A POST the caller knows to be safe (a query, an upsert by external id).
  ResettingServer server;
  HttpClient client;
  ASSERT_TRUE(client.send(request("GET", server.url("/x"), "")).ok());
  auto req = request("POST", server.url("/query"), "{}");
  req.idempotent = true;
  auto sent = client.send(req);
  // libcurl's own resend on a fresh connection is allowed for it.
  ASSERT_TRUE(sent.ok()) << sent.error().to_string();
  EXPECT_EQ(sent->status, 201);
  EXPECT_EQ(server.count("POST"), 2) << joined(server.seen());
}

TEST(LostAnswer, TimeoutAfterSendingIsUnknownOutcome) {
  ResettingServer server(/*answer_nothing=*/true);
  HttpClient client;
  auto req = request("POST", server.url("/persons"), "{}");
  req.timeout_secs = 0.3;
  auto sent = client.send(req);
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, ErrorKind::retryable);
  EXPECT_TRUE(sent.error().outcome_unknown) << sent.error().to_string();
  EXPECT_EQ(server.count("POST"), 1) << joined(server.seen());
}

TEST(LostAnswer, RefusedConnectionIsKnownNotSent) {
  int port;
  {
    ResettingServer closed;  // a port that was free a moment ago
    port = std::stoi(closed.url("").substr(17));
  }
  HttpClient client;
  auto sent = client.send(request("POST", "http://127.0.0.1:" + std::to_string(port) + "/x", "{}"));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, ErrorKind::retryable);
  EXPECT_FALSE(sent.error().outcome_unknown) << sent.error().to_string();
}

}  // namespace
}  // namespace crmsync::net
