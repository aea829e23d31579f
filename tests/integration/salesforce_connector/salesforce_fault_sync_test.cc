// A whole engine run of 50,000 records each way through the salesforce
// connector, with the sandbox injecting 10% 503s, 5% 429s and expiring
// every session each 30 s: every record arrives once, and the Salesforce
// calls the sync needed stay within 5% of the floor (reads ceil(N/2000),
// collection writes ceil(N/200)). Counted from the sandbox's request log:
// each successful data request is one call; the faulted ones and the logins
// they cause are the price of the faults, printed beside it. Bulk reads are
// off here: 50,000 records would otherwise go through a query job in 9
// calls, below the REST floor this test holds the REST path to.
#include <gtest/gtest.h>

#include "core/json.h"
#include "net/http_client.h"
#include "sandbox/salesforce/salesforce_sandbox.h"
#include "sf_test_env.h"
#include "support/engine_fixture.h"
#include "support/sqlite_probe.h"

namespace crmsync {
namespace {

using sandbox::salesforce::SalesforceSandbox;
using sandbox::salesforce::SalesforceSandboxOptions;

struct Calls {
  int64_t ok = 0;   // successful data API requests
  int64_t all = 0;  // every request, faulted ones and logins included
};

Calls calls(const SalesforceSandbox& sb) {
  net::HttpClient http;
  net::HttpClientRequest req;
  req.url = sb.base_url() + "/__admin/requests";
  auto res = http.send(req);
  EXPECT_TRUE(res.ok());
  Calls out;
  auto log = res.ok() ? parse_json(res->body) : parse_json("[]");
  if (!log.ok() || !log->is_array()) return out;
  for (const Value& r : log->as_array()) {
    ++out.all;
    int64_t status = r.find("status")->as_int();
    bool data = r.find("path")->as_string().rfind("/services/data/", 0) == 0;
    if (data && status >= 200 && status < 300) ++out.ok;
  }
  return out;
}

class SalesforceFaultSync : public testing::EngineFixture {};

TEST_F(SalesforceFaultSync, Syncs50000EachWayThroughFaultsNearTheCallFloor) {
  constexpr int kN = 50000;
  SalesforceSandboxOptions o = testing::sf_fault_options(30);
  o.daily_api_limit = 1'000'000;
  auto started = testing::start_sf_sandbox(o);
  SalesforceSandbox& sb = *started;
  {
    testing::SqliteProbe src(dir.file("crm.db"));
    std::string sql = "create table people (id text primary key, last text, email text);begin;";
    for (int i = 0; i < kN; ++i) {
      sql += "insert into people values ('P" + std::to_string(i) + "','Lee " + std::to_string(i) +
             "','p" + std::to_string(i) + "@example.com');";
    }
    src.exec(sql + "commit;");
  }
  load(R"(
connections:
  crm: {type: sqlite, path: crm.db}
  copy: {type: sqlite, path: copy.db}
)" + testing::sf_connection_yaml(sb, "    bulk_query_threshold: 0\n") +
       R"(
flows:
  people:
    source: {connection: crm, object: people, id_field: id, batch_size: 2000}
    target: {connection: sf, object: Contact, external_id: External_Id__c, batch_size: 200}
    mapping:
      External_Id__c: id
      LastName: last
      Email: email
  back:
    source: {connection: sf, object: Contact, batch_size: 2000}
    target: {connection: copy, object: contacts, id_field: id}
    mapping:
      ext: External_Id__c
      last: LastName
      email: Email
)");
  RunOptions people;
  people.flows = {"people"};
  FlowCounts c = counts(run(people), "people");
  EXPECT_EQ(c.created + c.updated, kN);
  EXPECT_EQ(c.failed, 0);
  Calls after_write = calls(sb);
  int64_t write_floor = (kN + 199) / 200;
  EXPECT_GE(after_write.ok, write_floor);
  EXPECT_LE(after_write.ok, write_floor * 105 / 100);
  {
    auto lock = sb.store().read_lock();
    const auto& t = sb.store().table(*sb.store().schema().find("Contact"));
    EXPECT_EQ(t.rows.size(), size_t(kN));  // each person once: nothing lost, nothing twice
  }

  RunOptions back;
  back.flows = {"back"};
  FlowCounts b = counts(run(back), "back");
  EXPECT_EQ(b.read, kN);
  EXPECT_EQ(b.created, kN);
  EXPECT_EQ(b.failed, 0);
  Calls after_read = calls(sb);
  int64_t read_calls = after_read.ok - after_write.ok;
  int64_t read_floor = (kN + 1999) / 2000;
  EXPECT_GE(read_calls, read_floor);
  EXPECT_LE(read_calls, read_floor * 105 / 100);
  testing::SqliteProbe copy(dir.file("copy.db"));
  EXPECT_EQ(copy.count("select count(*) from contacts"), kN);
  EXPECT_EQ(copy.count("select count(distinct ext) from contacts"), kN);
  std::printf(
      "salesforce calls: %lld for the writes (floor %lld), %lld for the reads (floor "
      "%lld); requests with the faulted ones and logins: %lld and %lld\n",
      static_cast<long long>(after_write.ok), static_cast<long long>(write_floor),
      static_cast<long long>(read_calls), static_cast<long long>(read_floor),
      static_cast<long long>(after_write.all),
      static_cast<long long>(after_read.all - after_write.all));
}

}  // namespace
}  // namespace crmsync
