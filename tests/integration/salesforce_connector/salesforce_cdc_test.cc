// The connector's Change Data Capture client against the sandbox's Streaming
// API: hints for creates, updates and deletes; resuming from a stored
// position loses nothing; an expired position is a gap; a session that dies
// during a long poll is renewed; a stop flag ends a poll at once.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "connectors/registry.h"
#include "sandbox/salesforce/salesforce_sandbox.h"
#include "sf_test_env.h"

namespace crmsync {
namespace {

using sandbox::salesforce::SalesforceSandbox;
using sandbox::salesforce::SalesforceSandboxOptions;
using Action = ChangeHint::Action;
using namespace std::chrono_literals;

SalesforceSandboxOptions quick_polls() {
  SalesforceSandboxOptions o;
  o.cometd_timeout_ms = 2000;
  return o;
}

// Hints until `n` arrived or `limit` passed.
std::vector<ChangeHint> poll_hints(ChangeSubscription& sub, size_t n,
                                   std::chrono::seconds limit = 10s) {
  std::vector<ChangeHint> out;
  auto until = std::chrono::steady_clock::now() + limit;
  while (out.size() < n && std::chrono::steady_clock::now() < until) {
    auto batch = sub.poll(500ms);
    EXPECT_TRUE(batch.ok()) << (batch.ok() ? "" : batch.error().message);
    if (!batch.ok()) break;
    EXPECT_FALSE(batch->gap);
    for (ChangeHint& h : batch->hints) out.push_back(std::move(h));
  }
  return out;
}

std::string create_contact(Connection& conn, const std::string& last) {
  Record r(make_field_names({"LastName"}));
  r.value(0) = last;
  std::vector<WriteItem> items{{WriteOp::create, "", r}};
  auto res = conn.write(WriteRequest{"Contact", "Id", "", items});
  EXPECT_TRUE(res.ok() && (*res)[0].ok)
      << (res.ok() ? (*res)[0].error.message : res.error().message);
  return res.ok() ? (*res)[0].target_id : "";
}

void write_one(Connection& conn, WriteOp op, const std::string& id, const std::string& last = "") {
  Record r(make_field_names({"LastName"}));
  r.value(0) = last;
  std::vector<WriteItem> items{{op, id, r}};
  auto res = conn.write(WriteRequest{"Contact", "Id", "", items});
  ASSERT_TRUE(res.ok() && (*res)[0].ok)
      << (res.ok() ? (*res)[0].error.message : res.error().message);
}

std::unique_ptr<ChangeSubscription> subscribe(Connection& conn, const std::string& object,
                                              const std::string& position,
                                              const std::atomic<bool>* stop = nullptr) {
  EXPECT_TRUE(conn.capabilities(object).subscribe);
  auto sub = conn.subscribe(SubscribeRequest{object, position, stop});
  EXPECT_TRUE(sub.ok()) << (sub.ok() ? "" : sub.error().message);
  return sub.ok() ? std::move(*sub) : nullptr;
}

TEST(SalesforceCdc, CreateUpdateAndDeleteGiveHintsInOrder) {
  auto sb = testing::start_sf_sandbox(quick_polls());
  auto conn = testing::connect_sf(*sb);
  auto sub = subscribe(*conn, "Contact", "");
  ASSERT_TRUE(sub);
  std::string id = create_contact(*conn, "Hint");
  write_one(*conn, WriteOp::update, id, "Hint 2");
  write_one(*conn, WriteOp::remove, id);
  auto hints = poll_hints(*sub, 3);
  ASSERT_EQ(hints.size(), 3u);
  EXPECT_EQ(hints[0].action, Action::created);
  EXPECT_EQ(hints[1].action, Action::updated);
  EXPECT_EQ(hints[2].action, Action::deleted);
  for (const ChangeHint& h : hints) {
    EXPECT_EQ(h.object, "Contact");
    EXPECT_EQ(h.ids, std::vector<std::string>{id});
  }
  EXPECT_LT(std::stoll(hints[0].position), std::stoll(hints[1].position));
  EXPECT_LT(std::stoll(hints[1].position), std::stoll(hints[2].position));
}

TEST(SalesforceCdc, ResumingFromAStoredPositionLosesNothing) {
  auto sb = testing::start_sf_sandbox(quick_polls());
  auto conn = testing::connect_sf(*sb);
  auto first = subscribe(*conn, "Contact", "");
  std::string a = create_contact(*conn, "A");
  auto seen = poll_hints(*first, 1);
  ASSERT_EQ(seen.size(), 1u);
  std::string stored = seen[0].position;
  first.reset();  // the process stops here

  std::string b = create_contact(*conn, "B");
  write_one(*conn, WriteOp::update, b, "B 2");
  std::string c = create_contact(*conn, "C");
  auto resumed = subscribe(*conn, "Contact", stored);
  auto hints = poll_hints(*resumed, 3);
  ASSERT_EQ(hints.size(), 3u);
  EXPECT_EQ(hints[0].ids[0], b);
  EXPECT_EQ(hints[0].action, Action::created);
  EXPECT_EQ(hints[1].ids[0], b);
  EXPECT_EQ(hints[1].action, Action::updated);
  EXPECT_EQ(hints[2].ids[0], c);
  // Nothing more (and not A again).
  auto batch = resumed->poll(300ms);
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->hints.empty());
  EXPECT_NE(a, b);
}

TEST(SalesforceCdc, CustomObjectsHaveTheirOwnChannel) {
  auto sb = testing::start_sf_sandbox(quick_polls());
  auto conn = testing::connect_sf(*sb);
  auto loans = subscribe(*conn, "Loan__c", "");
  create_contact(*conn, "Not a loan");
  Record r(make_field_names({"Name"}));
  r.value(0) = "Loan 1";
  std::vector<WriteItem> items{{WriteOp::create, "", r}};
  auto res = conn->write(WriteRequest{"Loan__c", "Id", "", items});
  ASSERT_TRUE(res.ok() && (*res)[0].ok);
  auto hints = poll_hints(*loans, 1);
  ASSERT_EQ(hints.size(), 1u);
  EXPECT_EQ(hints[0].object, "Loan__c");
  EXPECT_EQ(hints[0].ids[0], (*res)[0].target_id);
}

TEST(SalesforceCdc, AnExpiredPositionIsAGapAndARenewedSessionIsNot) {
  std::atomic<int64_t> now{1700000000000000};
  SalesforceSandboxOptions o = quick_polls();
  o.clock = [&now] { return now.load(); };
  auto sb = testing::start_sf_sandbox(o);
  auto conn = testing::connect_sf(*sb);
  auto sub = subscribe(*conn, "Contact", "");
  create_contact(*conn, "Old");
  auto seen = poll_hints(*sub, 1);
  ASSERT_EQ(seen.size(), 1u);
  std::string old_position = seen[0].position;

  // Three hours on: every session has expired (2 h), the event is still
  // retained. The subscription renews its session and keeps delivering.
  now += int64_t{3} * 3600 * 1000000;
  std::string later = create_contact(*conn, "Later");
  auto after_renewal = poll_hints(*sub, 1);
  ASSERT_EQ(after_renewal.size(), 1u);
  EXPECT_EQ(after_renewal[0].ids[0], later);
  sub.reset();

  // 73 hours after the first event it is gone: resuming from it is a gap.
  now += int64_t{70} * 3600 * 1000000;
  create_contact(*conn, "Newest");
  auto stale = subscribe(*conn, "Contact", old_position);
  ASSERT_TRUE(stale);
  auto batch = stale->poll(1s);
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  EXPECT_TRUE(batch->gap);
  EXPECT_TRUE(batch->hints.empty());
  auto again = stale->poll(1s);
  ASSERT_FALSE(again.ok());  // finished: the caller subscribes again
  // From the newer position nothing is missing.
  auto fresh = subscribe(*conn, "Contact", after_renewal[0].position);
  auto hints = poll_hints(*fresh, 1);
  ASSERT_EQ(hints.size(), 1u);
}

TEST(SalesforceCdc, AStopFlagEndsALongPollAtOnce) {
  SalesforceSandboxOptions o;
  o.cometd_timeout_ms = 60000;
  auto sb = testing::start_sf_sandbox(o);
  auto conn = testing::connect_sf(*sb);
  std::atomic<bool> stop{false};
  auto sub = subscribe(*conn, "Contact", "", &stop);
  ASSERT_TRUE(sub);
  std::thread stopper([&] {
    std::this_thread::sleep_for(500ms);
    stop = true;
  });
  auto t0 = std::chrono::steady_clock::now();
  auto batch = sub->poll(60s);
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->hints.empty());
}

TEST(SalesforceCdc, ConnectorsWithoutChangeStreamsSaySo) {
  ConnectionConfig c;
  c.name = "db";
  c.type = "sqlite";
  c.options.values = Value(Object{{"path", Value(":memory:")}});
  auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{"."});
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  EXPECT_FALSE((*conn)->capabilities("t").subscribe);
  auto sub = (*conn)->subscribe(SubscribeRequest{"t", "", nullptr});
  ASSERT_FALSE(sub.ok());
  EXPECT_EQ(sub.error().kind, ErrorKind::fatal);
  EXPECT_NE(sub.error().message.find("does not support subscriptions"), std::string::npos);
}

}  // namespace
}  // namespace crmsync
