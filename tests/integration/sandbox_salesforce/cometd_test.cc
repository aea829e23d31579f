// The Streaming API of the sandbox on the wire: Bayeux handshake, subscribe
// with replay ids, long-polling connect, and the errors the real service
// gives (401 on a dead session, 403 for an unknown client, 400 for a replay
// id no longer retained).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "sandbox_client.h"

namespace crmsync::sandbox::salesforce {
namespace {

using Clock = std::chrono::steady_clock;

struct Bayeux {
  SandboxClient& sc;
  std::string client_id;

  Array post(const std::string& body, std::string token = "") {
    net::HttpClientRequest req;
    req.method = "POST";
    req.url = sc.sandbox->base_url() + "/cometd/60.0";
    req.body = body;
    req.headers = {{"Content-Type", "application/json"},
                   {"Authorization", "OAuth " + (token.empty() ? sc.token : token)}};
    req.timeout_secs = 30;
    net::HttpClient http;  // its own connection, as a long poll has
    auto r = http.send(req);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    auto v = parse_json(r->body);
    EXPECT_TRUE(v && v->is_array()) << r->body;
    return v && v->is_array() ? v->as_array() : Array{};
  }
  std::string handshake() {
    Array a = post(
        R"([{"channel":"/meta/handshake","version":"1.0","supportedConnectionTypes":["long-polling"],"id":"1"}])");
    EXPECT_EQ(a.size(), 1u);
    client_id = a.empty() ? "" : a[0].find("clientId")->as_string();
    return client_id;
  }
  Value subscribe(const std::string& channel, int64_t replay) {
    Array a = post(R"([{"channel":"/meta/subscribe","clientId":")" + client_id +
                   R"(","subscription":")" + channel + R"(","id":"2","ext":{"replay":{")" +
                   channel + "\":" + std::to_string(replay) + "}}}]");
    return a.empty() ? Value() : a[0];
  }
  Array connect(int64_t timeout_ms = -1) {
    std::string advice =
        timeout_ms >= 0 ? R"(,"advice":{"timeout":)" + std::to_string(timeout_ms) + "}" : "";
    return post(R"([{"channel":"/meta/connect","clientId":")" + client_id +
                R"(","connectionType":"long-polling","id":"3")" + advice + "}]");
  }
};

std::string text(const Value& v, const char* key) {
  const Value* f = v.find(key);
  return f ? f->to_text() : "";
}

// The events of a connect answer (everything but the /meta/connect reply).
std::vector<Value> events_of(const Array& a) {
  std::vector<Value> out;
  for (const Value& m : a)
    if (text(m, "channel") != "/meta/connect") out.push_back(m);
  return out;
}

SalesforceSandboxOptions quick_polls() {
  SalesforceSandboxOptions o;
  o.cometd_timeout_ms = 1500;
  return o;
}

TEST(SalesforceSandboxCometd, HandshakeSubscribeAndAnEventForARestUpdate) {
  SandboxClient sc(quick_polls());
  Bayeux b{sc};
  Array hs = b.post(
      R"([{"channel":"/meta/handshake","version":"1.0","minimumVersion":"1.0","supportedConnectionTypes":["long-polling","websocket"],"id":"1"}])");
  ASSERT_EQ(hs.size(), 1u);
  EXPECT_EQ(text(hs[0], "successful"), "true");
  EXPECT_EQ(text(hs[0], "version"), "1.0");
  EXPECT_EQ(text(hs[0], "id"), "1");
  EXPECT_EQ(to_json(*hs[0].find("supportedConnectionTypes")), R"(["long-polling"])");
  EXPECT_EQ(text(*hs[0].find("advice"), "timeout"), "1500");
  EXPECT_EQ(text(*hs[0].find("ext"), "replay"), "true");
  b.client_id = text(hs[0], "clientId");
  ASSERT_FALSE(b.client_id.empty());

  Value sub = b.subscribe("/data/AccountChangeEvent", -1);
  EXPECT_EQ(text(sub, "successful"), "true") << to_json(sub);
  EXPECT_EQ(text(sub, "subscription"), "/data/AccountChangeEvent");
  // The first connect after a handshake answers at once.
  auto t0 = Clock::now();
  Array first = b.connect();
  EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(1000));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(text(*first[0].find("advice"), "reconnect"), "retry");

  Value created =
      sc.json("POST", "/services/data/v60.0/sobjects/Account", R"({"Name":"Acme"})", 201);
  std::string id = text(created, "id");
  // A long poll in progress answers as soon as the event exists.
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    sc.send("PATCH", "/services/data/v60.0/sobjects/Account/" + id, R"({"Name":"Acme 2"})");
  });
  t0 = Clock::now();
  std::vector<Value> events;
  while (events.size() < 2 && Clock::now() - t0 < std::chrono::seconds(5)) {
    for (Value& e : events_of(b.connect())) events.push_back(std::move(e));
  }
  writer.join();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(text(events[0], "channel"), "/data/AccountChangeEvent");
  const Value& data = *events[1].find("data");
  EXPECT_EQ(text(data, "schema").size(), 22u);
  const Value& payload = *data.find("payload");
  const Value& header = *payload.find("ChangeEventHeader");
  EXPECT_EQ(text(header, "entityName"), "Account");
  EXPECT_EQ(to_json(*header.find("recordIds")), "[\"" + id + "\"]");
  EXPECT_EQ(text(header, "changeType"), "UPDATE");
  EXPECT_EQ(to_json(*header.find("changedFields")), R"(["Name","LastModifiedDate"])");
  EXPECT_EQ(text(header, "changeOrigin"), "com/salesforce/api/rest/60.0");
  EXPECT_EQ(text(header, "commitUser"), sc.sandbox->api_user_id());
  EXPECT_EQ(text(header, "sequenceNumber"), "1");
  EXPECT_FALSE(text(header, "transactionKey").empty());
  EXPECT_GT(std::stoll(text(header, "commitTimestamp")), 1600000000000);
  EXPECT_EQ(text(payload, "Name"), "Acme 2");
  EXPECT_EQ(text(payload, "LastModifiedDate").back(), 'Z');
  EXPECT_EQ(payload.find("SystemModstamp"), nullptr);
  int64_t r0 = std::stoll(text(*events[0].find("data")->find("event"), "replayId"));
  int64_t r1 = std::stoll(text(*data.find("event"), "replayId"));
  EXPECT_EQ(r1, r0 + 1);
  EXPECT_EQ(text(*events[0].find("data")->find("payload")->find("ChangeEventHeader"), "changeType"),
            "CREATE");
}

TEST(SalesforceSandboxCometd, ReplayAllRetainedAfterNAndBatchedMessages) {
  SandboxClient sc(quick_polls());
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(text(sc.json("POST", "/services/data/v60.0/sobjects/Loan__c",
                               R"({"Name":"L)" + std::to_string(i) + R"("})", 201),
                       "id"));
  }
  sc.json("POST", "/services/data/v60.0/sobjects/Account", R"({"Name":"Other"})", 201);
  Bayeux b{sc};
  b.handshake();
  // Subscribe and connect in one batched request, replaying everything retained.
  Array a = b.post(
      R"([{"channel":"/meta/subscribe","clientId":")" + b.client_id +
      R"(","subscription":"/data/Loan__ChangeEvent","id":"2","ext":{"replay":{"/data/Loan__ChangeEvent":-2}}},)"
      R"({"channel":"/meta/connect","clientId":")" +
      b.client_id + R"(","connectionType":"long-polling","id":"3"}])");
  ASSERT_EQ(a.size(), 5u);  // subscribe reply, three events, connect reply
  EXPECT_EQ(text(a[0], "channel"), "/meta/subscribe");
  EXPECT_EQ(text(a[4], "channel"), "/meta/connect");
  std::vector<int64_t> replay;
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(text(a[i], "channel"), "/data/Loan__ChangeEvent");
    const Value& h = *a[i].find("data")->find("payload")->find("ChangeEventHeader");
    EXPECT_EQ(text(h, "entityName"), "Loan__c");
    EXPECT_EQ(to_json(*h.find("recordIds")), "[\"" + ids[i - 1] + "\"]");
    replay.push_back(std::stoll(text(*a[i].find("data")->find("event"), "replayId")));
  }
  // A new client from the first event's replay id gets the two after it.
  Bayeux c{sc};
  c.handshake();
  EXPECT_EQ(text(c.subscribe("/data/Loan__ChangeEvent", replay[0]), "successful"), "true");
  auto events = events_of(c.connect());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(text(*events[0].find("data")->find("event"), "replayId"), std::to_string(replay[1]));
  // /data/ChangeEvents carries every object.
  Bayeux all{sc};
  all.handshake();
  EXPECT_EQ(text(all.subscribe("/data/ChangeEvents", -2), "successful"), "true");
  auto every = events_of(all.connect());
  ASSERT_EQ(every.size(), 4u);
  EXPECT_EQ(text(every[3], "channel"), "/data/ChangeEvents");
}

TEST(SalesforceSandboxCometd, SeededRecordsAreNotEventsAndUnknownChannelsFail) {
  SalesforceSandboxOptions o = quick_polls();
  o.seed_records = 50;
  SandboxClient sc(o);
  Bayeux b{sc};
  b.handshake();
  EXPECT_EQ(text(b.subscribe("/data/ChangeEvents", -2), "successful"), "true");
  EXPECT_TRUE(events_of(b.connect()).empty());
  Value bad = b.subscribe("/data/accountChangeEvent", -1);  // channels are case-sensitive
  EXPECT_EQ(text(bad, "successful"), "false");
  EXPECT_NE(text(bad, "error").find("/data/accountChangeEvent"), std::string::npos);
}

TEST(SalesforceSandboxCometd, ExpiredReplayIdDeadSessionAndUnknownClient) {
  std::atomic<int64_t> now{1700000000000000};
  SalesforceSandboxOptions o = quick_polls();
  o.clock = [&now] { return now.load(); };
  SandboxClient sc(o);
  sc.json("POST", "/services/data/v60.0/sobjects/Account", R"({"Name":"Old"})", 201);
  sc.json("POST", "/services/data/v60.0/sobjects/Account", R"({"Name":"Old 2"})", 201);
  Bayeux b{sc};
  b.handshake();
  ASSERT_EQ(text(b.subscribe("/data/AccountChangeEvent", -2), "successful"), "true");
  auto events = events_of(b.connect());
  ASSERT_EQ(events.size(), 2u);
  int64_t old_replay = std::stoll(text(*events[0].find("data")->find("event"), "replayId"));

  now += int64_t{71} * 3600 * 1000000;  // still retained after 71 h
  sc.token = sc.login();
  Bayeux c{sc};
  c.handshake();
  EXPECT_EQ(text(c.subscribe("/data/AccountChangeEvent", old_replay), "successful"), "true");
  EXPECT_EQ(events_of(c.connect()).size(), 1u);
  // An id before the first event of the org was never handed out to it.
  EXPECT_EQ(text(c.subscribe("/data/AccountChangeEvent", old_replay - 1), "successful"), "false");

  now += int64_t{2} * 3600 * 1000000;  // 73 h: gone
  sc.token = sc.login();
  Bayeux d{sc};
  d.handshake();
  Value gap = d.subscribe("/data/AccountChangeEvent", old_replay);
  EXPECT_EQ(text(gap, "successful"), "false");
  EXPECT_EQ(text(gap, "error"), "400::The replayId {" + std::to_string(old_replay) +
                                    "} you provided was invalid. Please provide a valid ID, -2 "
                                    "to replay all events, or -1 to replay only new events.");
  EXPECT_EQ(text(gap, "subscription"), "/data/AccountChangeEvent");
  EXPECT_EQ(text(d.subscribe("/data/AccountChangeEvent", 999999), "successful"), "false");

  // A dead session: 401::Authentication invalid, reconnect none.
  Array dead = d.post(R"([{"channel":"/meta/connect","clientId":")" + d.client_id +
                          R"(","connectionType":"long-polling","id":"9"}])",
                      "00Dbogus!token");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(text(dead[0], "error"), "401::Authentication invalid");
  EXPECT_EQ(text(dead[0], "successful"), "false");
  EXPECT_EQ(text(*dead[0].find("advice"), "reconnect"), "none");
  Array denied = d.post(R"([{"channel":"/meta/handshake","version":"1.0","id":"1"}])", "bogus");
  EXPECT_EQ(text(denied[0], "error"), "403::Handshake denied");
  EXPECT_EQ(text(*denied[0].find("ext")->find("sfdc"), "failureReason"),
            "401::Authentication invalid");
  // An unknown client is told to hand-shake again.
  d.client_id = "nobody";
  Array unknown = d.connect();
  EXPECT_EQ(text(unknown[0], "error"), "403::Unknown client");
  EXPECT_EQ(text(*unknown[0].find("advice"), "reconnect"), "handshake");
}

TEST(SalesforceSandboxCometd, LongPollTimesOutAndStopEndsItPromptly) {
  SalesforceSandboxOptions o;
  o.cometd_timeout_ms = 60000;
  SandboxClient sc(o);
  Bayeux b{sc};
  b.handshake();
  b.subscribe("/data/ChangeEvents", -1);
  b.connect();  // the first one answers at once
  auto t0 = Clock::now();
  Array empty = b.connect(300);  // the client asks for a shorter poll
  EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(250));
  EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(3000));
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(text(empty[0], "successful"), "true");
  // A poll waiting its whole 60 s ends when the sandbox stops (stop() itself
  // may still wait for idle keep-alive connections).
  std::atomic<int64_t> answered_ms{-1};
  t0 = Clock::now();
  std::thread poller([&] {
    b.connect();
    answered_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  sc.sandbox->stop();
  poller.join();
  EXPECT_GE(answered_ms.load(), 250);
  EXPECT_LT(answered_ms.load(), 2000);
}

// The Streaming API cut off (admin fault `streaming_down`): every request,
// a long poll in progress included, loses its connection; changes made
// meanwhile are still events, replayed once the stream is back.
TEST(SalesforceSandboxCometd, StreamingDownResetsRequestsAndTheEventsAreReplayedAfter) {
  SalesforceSandboxOptions o;
  o.cometd_timeout_ms = 60000;
  SandboxClient sc(o);
  Bayeux b{sc};
  b.handshake();
  b.subscribe("/data/AccountChangeEvent", -1);
  b.connect();  // the first one answers at once
  auto raw_connect = [&] {
    net::HttpClientRequest req;
    req.method = "POST";
    req.url = sc.sandbox->base_url() + "/cometd/60.0";
    req.body = R"([{"channel":"/meta/connect","clientId":")" + b.client_id +
               R"(","connectionType":"long-polling","id":"9"}])";
    req.headers = {{"Content-Type", "application/json"}, {"Authorization", "OAuth " + sc.token}};
    net::HttpClient http;
    return http.send(req);
  };
  // A poll that would wait 60 s: reset by the cut (or at its arrival, when
  // the cut comes first), either way within seconds.
  std::atomic<bool> poll_failed{false};
  auto t0 = Clock::now();
  std::thread poller([&] { poll_failed = !raw_connect().ok(); });
  auto cut = sc.send("PUT", "/__admin/faults", R"({"streaming_down":true})", false);
  EXPECT_EQ(cut.status, 200) << cut.body;
  EXPECT_NE(cut.body.find("\"streaming_down\":true"), std::string::npos) << cut.body;
  poller.join();
  EXPECT_TRUE(poll_failed.load());
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(10));
  EXPECT_FALSE(raw_connect().ok()) << "a request while the stream is down";
  // The REST API is not affected, and its changes are still events.
  Value created =
      sc.json("POST", "/services/data/v60.0/sobjects/Account", R"({"Name":"Made offline"})", 201);
  auto back = sc.send("PUT", "/__admin/faults", R"({"streaming_down":false})", false);
  EXPECT_EQ(back.status, 200) << back.body;
  Bayeux again{sc};
  again.handshake();
  Value sub = again.subscribe("/data/AccountChangeEvent", -2);
  EXPECT_EQ(text(sub, "successful"), "true") << to_json(sub);
  std::vector<Value> events;
  for (int i = 0; i < 3 && events.empty(); ++i) events = events_of(again.connect(1000));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(to_json(events[0]).find(text(created, "id")), std::string::npos) << to_json(events[0]);
}

}  // namespace
}  // namespace crmsync::sandbox::salesforce
