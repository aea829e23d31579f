// The fault proxy itself, against a real HTTP server and a raw socket
// client: keep-alive forwarding byte for byte, and answers lost only after
// the upstream applied the request.
#include "support/fault_proxy.h"

#include <gtest/gtest.h>

#include <atomic>

#include "net/http_server.h"
#include "support/fault_proxy_audit.h"

namespace crmsync::testing {
namespace {

class Upstream {
 public:
  std::atomic<int> applied{0};
  net::HttpServer server;
  Upstream() {
    server.on("POST", "/items", [this](const net::HttpRequest& req, net::HttpResponse& res) {
      ++applied;
      res.status = 201;
      res.body =
          R"({"stored": )" + req.body + R"(, "padding": ")" + std::string(400, 'x') + R"("})";
    });
    server.on("GET", "/items",
              [](const net::HttpRequest&, net::HttpResponse& res) { res.body = "[]"; });
    EXPECT_TRUE(server.listen("127.0.0.1", 0).ok());
    EXPECT_TRUE(server.start().ok());
  }
};

// A client connection to the proxy that speaks HTTP/1.1 by hand.
struct RawClient {
  wire::Peer peer;
  explicit RawClient(int port) {
    peer.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    EXPECT_EQ(::connect(peer.fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    // A proxy that wrongly keeps the connection open fails the test instead
    // of hanging it.
    timeval limit{10, 0};
    ::setsockopt(peer.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }
  ~RawClient() { ::close(peer.fd); }
  void send(const std::string& method, const std::string& body, bool expect_continue = false) {
    std::string req = method + " /items?x=1 HTTP/1.1\r\nHost: test\r\n";
    if (expect_continue) req += "Expect: 100-continue\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    ASSERT_TRUE(peer.send_all(req));
    if (expect_continue) {
      auto cont = wire::read_head(peer);
      ASSERT_TRUE(cont);
      ASSERT_EQ(wire::status_of(*cont), 100);
    }
    ASSERT_TRUE(peer.send_all(body));
  }
  // The answer's status and body; status 0 when the connection broke.
  std::pair<int, std::string> answer() {
    auto head = wire::read_head(peer);
    if (!head) return {0, peer.buf};
    auto body = wire::read_body(peer, *head, false);
    return {body ? wire::status_of(*head) : 0, body ? body->raw : peer.buf};
  }
  // Everything until the connection ends (or 10 s pass), and whether it
  // ended in a reset.
  std::pair<std::string, bool> rest() {
    std::string got = std::move(peer.buf);
    char chunk[4096];
    while (true) {
      ssize_t n = ::recv(peer.fd, chunk, sizeof chunk, 0);
      if (n > 0) {
        got.append(chunk, static_cast<size_t>(n));
        continue;
      }
      return {got, n < 0 && errno == ECONNRESET};
    }
  }
};

TEST(FaultProxy, ForwardsRequestsOfOneConnectionAndLogsThem) {
  Upstream up;
  FaultProxy proxy(up.server.port(), {});
  RawClient c(proxy.port());
  c.send("POST", R"({"n": 1})");
  auto [s1, b1] = c.answer();
  EXPECT_EQ(s1, 201);
  EXPECT_NE(b1.find(R"("stored": {"n": 1})"), std::string::npos) << b1;
  c.send("GET", "");
  EXPECT_EQ(c.answer(), std::make_pair(200, std::string("[]")));
  c.send("POST", R"({"n": 2})", true);  // libcurl's way with large bodies
  EXPECT_EQ(c.answer().first, 201);
  EXPECT_EQ(up.applied, 2);
  auto log = proxy.exchanges();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].method, "POST");
  EXPECT_EQ(log[0].target, "/items?x=1");
  EXPECT_EQ(log[0].body, R"({"n": 1})");
  EXPECT_EQ(log[0].status, 201);
  EXPECT_EQ(log[2].body, R"({"n": 2})");
  EXPECT_EQ(proxy.forwarded()["POST /items"], 2);
  EXPECT_EQ(proxy.faults(), 0);
}

TEST(FaultProxy, DropAnswerAppliesTheRequestThenResetsWithoutAByte) {
  Upstream up;
  FaultProxy proxy(up.server.port(), {{"POST", {"/items"}, 1.0, ProxyFault::drop_answer}});
  RawClient c(proxy.port());
  c.send("GET", "");  // not covered by the rule
  EXPECT_EQ(c.answer().first, 200);
  c.send("POST", R"({"n": 1})");
  auto [bytes, reset] = c.rest();
  EXPECT_EQ(bytes, "");
  EXPECT_TRUE(reset);
  EXPECT_EQ(up.applied, 1);
  EXPECT_EQ(proxy.faults(), 1);
  EXPECT_EQ(proxy.exchanges()[1].fault, ProxyFault::drop_answer);
}

TEST(FaultProxy, ResetAfterStoreSendsPartOfTheAnswer) {
  Upstream up;
  FaultProxy proxy(up.server.port(), {{"POST", {"/items"}, 1.0, ProxyFault::reset_after_store}});
  RawClient c(proxy.port());
  c.send("POST", R"({"n": 1})");
  auto [bytes, reset] = c.rest();
  EXPECT_EQ(bytes.rfind("HTTP/1.1 201", 0), 0u) << bytes;
  EXPECT_EQ(bytes.find("\"}"), std::string::npos) << "the whole answer arrived: " << bytes;
  EXPECT_EQ(up.applied, 1);
  EXPECT_EQ(proxy.faults(), 1);
  (void)reset;  // the RST may overtake the bytes in the client's kernel
}

TEST(FaultProxy, DrawsTheSameFaultsForTheSameSeed) {
  Upstream up;
  std::vector<size_t> hit[2];
  for (int round = 0; round < 2; ++round) {
    FaultProxy proxy(up.server.port(), {{"POST", {"/items"}, 0.2, ProxyFault::drop_answer}}, 5);
    for (size_t i = 0; i < 40; ++i) {
      RawClient c(proxy.port());
      c.send("POST", "{}");
      if (c.answer().first == 0) hit[round].push_back(i);
    }
  }
  EXPECT_FALSE(hit[0].empty());
  EXPECT_LT(hit[0].size(), 40u);
  EXPECT_EQ(hit[0], hit[1]);
}

// The audit over a hand-made log: "POST v" creates v, "GET v" looks it up.
TEST(FaultProxyAudit, FlagsACreateSentAgainWithoutALookupAfterAnAnswerThatMayHaveBeenApplied) {
  auto ex = [](const std::string& method, const std::string& value, int status,
               ProxyFault fault = ProxyFault::none) {
    return ProxyExchange{method, "/x", value, status, fault};
  };
  auto creates = [](const ProxyExchange& e) {
    return e.method == "POST" ? std::vector<std::string>{e.body} : std::vector<std::string>{};
  };
  auto lookups = [](const ProxyExchange& e) {
    return e.method == "GET" ? std::vector<std::string>{e.body} : std::vector<std::string>{};
  };
  CreateAudit a = audit_creates(
      {
          ex("POST", "lost-then-resent", 201, ProxyFault::drop_answer),
          ex("POST", "lost-then-resent", 201),
          ex("POST", "lost-then-looked-up", 201, ProxyFault::reset_after_store),
          ex("GET", "lost-then-looked-up", 200),
          ex("POST", "refused-then-resent", 429),
          ex("POST", "refused-then-resent", 201),
          ex("POST", "gateway-unsure", 504),
          ex("POST", "gateway-unsure", 201),
      },
      creates, lookups);
  EXPECT_EQ(a.resent_blind, (std::set<std::string>{"gateway-unsure", "lost-then-resent"}));
  EXPECT_EQ(a.created_twice, (std::map<std::string, int>{{"lost-then-resent", 2}}));
  EXPECT_EQ(a.create_requests, 7);
  EXPECT_EQ(a.lookup_requests, 1);
  EXPECT_EQ(a.lost_answers, 2);
}

}  // namespace
}  // namespace crmsync::testing
