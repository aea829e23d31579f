// A full read of a REST list with `on_delete: delete`: a page that is not
// what the API promised (records without ids, numbers instead of objects,
// text that does not parse) must not delete the records it should have
// held, and the run says which page and why.

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "integration/rest_connector/finance_server.h"
#include "support/engine_fixture.h"
#include "support/sqlite_probe.h"

namespace crmsync::testing {
namespace rest_bad_pages_test {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

struct BrokenPage {
  const char* name;
  std::function<std::string(const std::string&)> rewrite;
  const char* why;
};

class RestBadPages : public EngineFixture {
 protected:
  FinanceServer server;

  void SetUp() override {
    for (int i = 0; i < 25; ++i) {
      server.add_customer("C" + std::to_string(i), "Name " + std::to_string(i));
    }
    load(R"(
connections:
  finance:
    type: rest
    base_url: )" +
         server.url() +
         R"(/api
    auth: basic
    username: admin
    password: s3cret-pass
    requests_per_second: 200
    objects:
      customers:
        path: /customers
        records_pointer: /items
        pagination: cursor
        cursor_pointer: /next
        size_param: limit
        page_size: 10
  db: {type: sqlite, path: target.db}
flows:
  customers_in:
    source: {connection: finance, object: customers}
    target: {connection: db, object: customers, id_field: id}
    match: {target_field: code}
    on_delete: delete
    max_deletes: 100%
    mapping:
      code: code
      name: name
)");
    ASSERT_EQ(counts(run(), "customers_in").created, 25);
  }

  long rows() {
    SqliteProbe db(dir.file("target.db"));
    return db.count("select count(*) from customers");
  }
};

TEST_F(RestBadPages, ABrokenPageDeletesNothingAndNamesThePage) {
  const std::vector<BrokenPage> cases = {
      {"records without ids",
       [](const std::string& b) { return replace_all(b, "\"id\":", "\"nid\":"); }, "no id"},
      {"an array of numbers",
       [](const std::string&) { return std::string(R"({"items": [1, 2, 3], "next": "20"})"); },
       "not a JSON object"},
      {"truncated JSON", [](const std::string& b) { return b.substr(0, b.size() / 2); },
       "not valid JSON"},
      {"NaN", [](const std::string&) { return std::string(R"({"items": [{"id": NaN}]})"); },
       "not valid JSON"},
  };
  for (const BrokenPage& c : cases) {
    SCOPED_TRACE(c.name);
    server.corrupt_page(10, c.rewrite);
    RunReport r = run();
    const FlowReport& f = r.flows.at("customers_in");
    EXPECT_EQ(f.counts.deleted, 0);
    EXPECT_NE(r.status, RunStatus::succeeded);
    EXPECT_EQ(rows(), 25);
    std::string said = f.error + "\n" + f.deletes_withheld.reason + "\n";
    if (auto errors = store->errors(r.run_id, 100)) {
      for (const RecordError& e : *errors) said += e.message + "\n";
    }
    EXPECT_NE(said.find(c.why), std::string::npos) << said;
    EXPECT_NE(said.find("page 2"), std::string::npos) << said;
    EXPECT_EQ(said.find("has no array"), std::string::npos) << said;

    server.heal();
    r = run();
    EXPECT_EQ(r.status, RunStatus::succeeded);
    EXPECT_EQ(rows(), 25);
  }
}

}  // namespace rest_bad_pages_test
}  // namespace crmsync::testing
