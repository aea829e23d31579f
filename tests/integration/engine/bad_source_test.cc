// A full-scan flow with `on_delete: delete` (the shape `crmsync init`
// writes: CSV -> SQLite) fed broken files: whatever is wrong with the
// source, the target keeps every row it had and the run says why; a good
// file afterwards brings everything back.

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "support/engine_fixture.h"
#include "support/sqlite_probe.h"

namespace crmsync::testing {
namespace bad_source_test {

const char* kConfig = R"(
connections:
  files: {type: file, dir: data}
  db: {type: sqlite, path: target.db}
flows:
  customers:
    source: {connection: files, object: customers.csv, id_field: customer_no}
    target: {connection: db, object: customers, id_field: id}
    match: {target_field: customer_no}
    on_delete: delete
    mapping:
      customer_no: customer_no
      name: name
      tier: tier
)";

const int kRows = 100;

std::string row(int i) {
  return "C" + std::to_string(1000 + i) + ",Customer " + std::to_string(i) + "," +
         (i % 2 ? "gold" : "silver") + "\n";
}

std::string good_csv() {
  std::string out = "customer_no,name,tier\n";
  for (int i = 0; i < kRows; ++i) out += row(i);
  return out;
}

// good_csv with row `at` (0-based) replaced by `line` (with its newline).
std::string with_row(int at, const std::string& line) {
  std::string out = "customer_no,name,tier\n";
  for (int i = 0; i < kRows; ++i) out += i == at ? line : row(i);
  return out;
}

std::string utf16le(const std::string& ascii, bool bom) {
  std::string out = bom ? std::string("\xFF\xFE", 2) : std::string();
  for (char c : ascii) {
    out += c;
    out += '\0';
  }
  return out;
}

struct BrokenCsv {
  const char* name;
  std::function<std::string()> content;
  const char* why;  // in the run's stored message or the flow's error
};

class BadSource : public EngineFixture {
 protected:
  void SetUp() override {
    dir.write("data/customers.csv", good_csv());
    load(kConfig);
    RunReport r = run();
    ASSERT_EQ(counts(r, "customers").created, kRows);
  }

  long target_rows() {
    SqliteProbe db(dir.file("target.db"));
    return db.count("select count(*) from customers");
  }

  // What the run says about the flow: its stop error, its withheld deletes
  // and the errors it stored.
  std::string said(const RunReport& r) {
    const FlowReport& f = r.flows.at("customers");
    std::string out = f.error + "\n" + f.deletes_withheld.reason + "\n";
    if (auto errors = store->errors(r.run_id, 1000)) {
      for (const RecordError& e : *errors) out += e.message + "\n";
    }
    return out;
  }
};

TEST_F(BadSource, BrokenCsvDeletesNothingAndSaysWhyThenAGoodRunRestores) {
  const std::vector<BrokenCsv> cases = {
      {"too few fields", [] { return with_row(30, "C1030,Customer 30\n"); }, "expected 3 columns"},
      {"too many fields", [] { return with_row(30, "C1030,Customer 30,gold,extra\n"); },
       "expected 3 columns"},
      {"empty id", [] { return with_row(30, ",Customer 30,gold\n"); }, "no value in id column"},
      {"binary line",
       [] {
         static const char kBinary[] = "\x01\xff\xfe\x00\x9c,\x80\x81,x\n";
         return with_row(30, std::string(kBinary, sizeof kBinary - 1));
       },
       "not valid utf-8"},
      {"unclosed quote at line 51", [] { return with_row(49, "C1049,\"Customer 49,gold\n"); },
       "quote is never closed"},
      {"utf-16 without bom", [] { return utf16le(good_csv(), false); }, "UTF-16"},
      {"0-byte file", [] { return std::string(); }, "is empty (0 bytes"},
      {"duplicate id (49 twice, 50 missing)",
       [] { return with_row(50, "C1049,Customer 49 again,gold\n"); }, "appears more than once"},
      {"duplicate header", [] { return "customer_no,name,name\n" + good_csv().substr(22); },
       "names column 'name' twice"},
      {"latin1 without encoding", [] { return with_row(30, "C1030,M\xfcller,gold\n"); },
       "set encoding: latin1"},
      {"header only", [] { return std::string("customer_no,name,tier\n"); }, "max_deletes"},
      {"half the rows",
       [] {
         std::string out = "customer_no,name,tier\n";
         for (int i = 0; i < kRows / 2; ++i) out += row(i);
         return out;
       },
       "max_deletes"},
  };
  for (const BrokenCsv& c : cases) {
    SCOPED_TRACE(c.name);
    dir.write("data/customers.csv", c.content());
    RunReport r = run();
    EXPECT_EQ(r.flows.at("customers").counts.deleted, 0);
    EXPECT_EQ(target_rows(), kRows);
    EXPECT_NE(r.status, RunStatus::succeeded);
    std::string text = said(r);
    EXPECT_NE(text.find(c.why), std::string::npos) << text;
    auto info = store->run(r.run_id);
    ASSERT_TRUE(info.ok() && info->has_value());
    if (r.flows.at("customers").error.empty()) {
      EXPECT_NE((*info)->message.find("deletes withheld"), std::string::npos) << (*info)->message;
    }

    dir.write("data/customers.csv", good_csv());
    r = run();
    EXPECT_EQ(r.status, RunStatus::succeeded) << said(r);
    EXPECT_EQ(target_rows(), kRows);
    SqliteProbe db(dir.file("target.db"));
    EXPECT_EQ(db.scalar("select name from customers where customer_no = 'C1049'"), "Customer 49");
    EXPECT_EQ(db.count("select count(*) from customers where customer_no = 'C1050'"), 1);
  }
}

TEST_F(BadSource, DuplicateIdsWriteNeitherCopy) {
  dir.write("data/customers.csv", with_row(50, "C1049,Customer 49 again,gold\n"));
  RunReport r = run();
  FlowCounts c = r.flows.at("customers").counts;
  EXPECT_EQ(c.updated, 0);
  EXPECT_EQ(c.deleted, 0);
  EXPECT_EQ(c.failed, 2);  // both copies
  SqliteProbe db(dir.file("target.db"));
  EXPECT_EQ(db.scalar("select name from customers where customer_no = 'C1049'"), "Customer 49");
  EXPECT_EQ(db.count("select count(*) from customers where customer_no = 'C1050'"), 1);
}

// Copies in different batches: the later copy is rejected (the earlier one
// was synced before the second appeared) and nothing is deleted.
TEST_F(BadSource, DuplicateIdsAcrossBatchesWithholdDeletes) {
  std::string yaml = kConfig;
  yaml.replace(yaml.find("id_field: customer_no}"), 22, "id_field: customer_no, batch_size: 10}");
  load(yaml);
  dir.write("data/customers.csv", with_row(60, "C1005,Customer 5 again,gold\n"));
  RunReport r = run();
  FlowCounts c = r.flows.at("customers").counts;
  EXPECT_EQ(c.failed, 1);
  EXPECT_EQ(c.deleted, 0);
  EXPECT_EQ(target_rows(), kRows);
  EXPECT_NE(said(r).find("id C1005 appears more than once"), std::string::npos) << said(r);
  SqliteProbe db(dir.file("target.db"));
  EXPECT_EQ(db.scalar("select name from customers where customer_no = 'C1005'"), "Customer 5");
}

// utf16le() widens each byte, so Latin-1 text comes out as its UTF-16.
TEST_F(BadSource, Utf16WithBomIsDecoded) {
  dir.write("data/customers.csv", utf16le(with_row(7, "C1007,Zo\xeb,gold\n"), true));
  RunReport r = run();
  EXPECT_EQ(r.status, RunStatus::succeeded) << said(r);
  FlowCounts c = r.flows.at("customers").counts;
  EXPECT_EQ(c.read, kRows);
  EXPECT_EQ(c.updated, 1);
  EXPECT_EQ(c.deleted, 0);
  SqliteProbe db(dir.file("target.db"));
  EXPECT_EQ(db.scalar("select name from customers where customer_no = 'C1007'"), "Zo\xc3\xab");
}

TEST_F(BadSource, Latin1AndCp1252AreDecodedWhenDeclared) {
  std::string yaml = kConfig;
  yaml.replace(yaml.find("dir: data}"), 10, "dir: data, encoding: cp1252}");
  load(yaml);
  dir.write("data/customers.csv", with_row(30, "C1030,M\xfcller \x80,gold\n"));
  RunReport r = run();
  EXPECT_EQ(r.status, RunStatus::succeeded) << said(r);
  SqliteProbe db(dir.file("target.db"));
  EXPECT_EQ(db.scalar("select name from customers where customer_no = 'C1030'"),
            "M\xc3\xbcller \xe2\x82\xac");
}

}  // namespace bad_source_test
}  // namespace crmsync::testing
