#include <gtest/gtest.h>

#include "connectors/registry.h"
#include "support/temp_dir.h"

namespace crmsync {
namespace {

using testing::TempDir;

std::unique_ptr<Connection> file_conn(const TempDir& d, Object extra = {}) {
  ConnectionConfig c;
  c.name = "files";
  c.type = "file";
  extra.push_back({"dir", Value(".")});
  c.options.values = Value(std::move(extra));
  auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{d.path().string()});
  EXPECT_TRUE(conn.ok()) << (conn.ok() ? "" : conn.error().message);
  return conn.ok() ? std::move(*conn) : nullptr;
}

std::vector<Record> read_all(Connection& c, const std::string& object, const std::string& id,
                             std::vector<RecordReader::BadRecord>* bad = nullptr) {
  ReadRequest req;
  req.object = object;
  req.id_field = id;
  req.batch_size = 2;
  auto reader = c.read(req);
  EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().message);
  std::vector<Record> out, batch;
  while (true) {
    auto more = (*reader)->next(batch);
    EXPECT_TRUE(more.ok());
    for (auto& r : batch) out.push_back(std::move(r));
    if (bad) bad->insert(bad->end(), (*reader)->bad_records.begin(), (*reader)->bad_records.end());
    if (!*more) break;
  }
  return out;
}

TEST(FileConnector, CsvQuotesNewlinesCrlfBomAndBrokenRows) {
  TempDir d;
  d.write("c.csv",
          "\xEF\xBB\xBFid,name,note\r\n"
          "1,\"Smith, Jo\",\"said \"\"hi\"\"\"\r\n"
          "2,Multi,\"line one\nline two\"\r\n"
          "3,short\r\n"
          "4,,\"\"\r\n"
          "\r\n"
          "5,last,ok\r\n");
  auto c = file_conn(d);
  std::vector<RecordReader::BadRecord> bad;
  auto rows = read_all(*c, "c.csv", "id", &bad);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].id(), "1");
  EXPECT_EQ(rows[0].get("name")->as_string(), "Smith, Jo");
  EXPECT_EQ(rows[0].get("note")->as_string(), "said \"hi\"");
  EXPECT_EQ(rows[1].get("note")->as_string(), "line one\nline two");
  EXPECT_TRUE(rows[2].get("name")->is_null());      // empty cell -> null
  EXPECT_EQ(rows[2].get("note")->as_string(), "");  // quoted empty stays text
  EXPECT_EQ(rows[3].id(), "5");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].message.find("c.csv:5: expected 3 columns, found 2"), std::string::npos)
      << bad[0].message;
  EXPECT_EQ(bad[0].raw, "3,short");
}

// The reader scans a 1 MiB buffer in spans; cells, doubled quotes and line
// ends that straddle a refill must come out the same as anywhere else.
TEST(FileConnector, CsvRowsStraddlingTheReadBufferParseWhole) {
  TempDir d;
  std::string text = "id,note\n";
  std::vector<std::string> notes;
  std::vector<std::string> bad_rows;
  for (int i = 0; text.size() < 3u * (1u << 20); ++i) {
    if (text.size() + 40 > (1u << 20) * (bad_rows.size() + 1)) {  // across a refill
      bad_rows.push_back("bad row " + std::to_string(i) + ",with,too,many,cells,\"a,b\"");
      text += bad_rows.back() + "\r\n";
    }
    // Lengths vary so that every kind of token lands on a buffer boundary.
    std::string note = std::string(static_cast<size_t>(i % 97), 'x') + "\"\"q" +
                       std::string(static_cast<size_t>(i % 13), 'y') + ",\r\n" + "z";
    std::string quoted;
    for (char ch : note) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    text += std::to_string(i) + ",\"" + quoted + "\"" + (i % 2 ? "\r\n" : "\n");
    notes.push_back(note);
  }
  d.write("big.csv", text);
  auto c = file_conn(d);
  std::vector<RecordReader::BadRecord> bad;
  auto rows = read_all(*c, "big.csv", "id", &bad);
  ASSERT_EQ(bad.size(), bad_rows.size());
  for (size_t i = 0; i < bad.size(); ++i) EXPECT_EQ(bad[i].raw, bad_rows[i]);
  ASSERT_EQ(rows.size(), notes.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].id(), std::to_string(i));
    // A note is one quoted cell: its quotes, comma and CRLF are text.
    ASSERT_EQ(rows[i].get("note")->as_string(), notes[i]) << "row " << i;
  }
}

TEST(FileConnector, UnterminatedQuoteAndMissingIdAreReported) {
  TempDir d;
  d.write("c.csv", "id,name\n,no id\n7,\"open\n");
  auto c = file_conn(d);
  std::vector<RecordReader::BadRecord> bad;
  auto rows = read_all(*c, "c.csv", "id", &bad);
  EXPECT_TRUE(rows.empty());
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_NE(bad[0].message.find("no value in id column"), std::string::npos);
  EXPECT_NE(bad[1].message.find("quote"), std::string::npos);
}

TEST(FileConnector, JsonLinesKeepExactNumbers) {
  TempDir d;
  d.write("c.jsonl",
          "{\"id\": \"a\", \"amount\": 123.45, \"n\": 7}\nnot json\n{\"id\": \"b\", \"amount\": "
          "0.1}\n");
  auto c = file_conn(d);
  std::vector<RecordReader::BadRecord> bad;
  auto rows = read_all(*c, "c.jsonl", "id", &bad);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].get("amount")->as_decimal().to_string(), "123.45");
  EXPECT_EQ(rows[0].get("n")->as_int(), 7);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].message.find("c.jsonl:2:"), std::string::npos) << bad[0].message;
}

TEST(FileConnector, AmbiguousOrUndecodableFilesSayWhereAndWhy) {
  TempDir d;
  d.write("dup.csv", "id,name,name\n1,a,b\n");
  auto c = file_conn(d);
  ReadRequest req;
  req.object = "dup.csv";
  auto reader = c->read(req);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.error().message.find("dup.csv:1: the header names column 'name' twice"),
            std::string::npos)
      << reader.error().message;

  d.write("empty.csv", "");
  std::vector<RecordReader::BadRecord> bad;
  EXPECT_TRUE(read_all(*c, "empty.csv", "id", &bad).empty());
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_TRUE(bad[0].empty_source);

  d.write("latin.csv", "id,name\n1,M\xfcller\n2,ok\n");
  bad.clear();
  auto rows = read_all(*c, "latin.csv", "id", &bad);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(bad.size(), 1u);
  // Line 2 starts at byte 8; the bad byte is the fourth of the row.
  EXPECT_NE(bad[0].message.find("latin.csv:2: byte 0xfc at byte offset 11 is not valid utf-8"),
            std::string::npos)
      << bad[0].message;
  EXPECT_EQ(bad[0].raw, "1,M\\xfcller");  // no invalid UTF-8 leaves the reader
}

TEST(FileConnector, SinkCreatesUpdatesUpsertsAndDeletes) {
  TempDir d;
  auto c = file_conn(d);
  auto names = make_field_names({"key", "name"});
  auto rec = [&](const char* k, const char* n) {
    Record r(names);
    r.value(0) = k;
    r.value(1) = n;
    return r;
  };
  std::vector<WriteItem> create = {{WriteOp::create, "", rec("k1", "One, Inc")},
                                   {WriteOp::create, "", rec("k2", "Two")}};
  auto res = c->write(WriteRequest{"out.csv", "id", "", create});
  ASSERT_TRUE(res.ok()) << res.error().message;
  ASSERT_TRUE((*res)[0].ok && (*res)[0].created);
  std::string id1 = (*res)[0].target_id, id2 = (*res)[1].target_id;
  EXPECT_EQ(id1.size(), 16u);

  std::vector<WriteItem> changes = {{WriteOp::update, id1, rec("k1", "Uno")},
                                    {WriteOp::upsert, "", rec("k2", "Dos")},
                                    {WriteOp::upsert, "", rec("k3", "Tres")},
                                    {WriteOp::update, "nope", rec("k9", "x")}};
  res = c->write(WriteRequest{"out.csv", "id", "key", changes});
  ASSERT_TRUE(res.ok());
  EXPECT_TRUE((*res)[0].ok);
  EXPECT_TRUE((*res)[1].ok && !(*res)[1].created);
  EXPECT_EQ((*res)[1].target_id, id2);
  EXPECT_TRUE((*res)[2].ok && (*res)[2].created);
  EXPECT_FALSE((*res)[3].ok);
  EXPECT_EQ((*res)[3].error.kind, ErrorKind::rejected);

  std::vector<WriteItem> del = {{WriteOp::remove, id2, {}}};
  ASSERT_TRUE(c->write(WriteRequest{"out.csv", "id", "", del}).ok());
  auto rows = read_all(*c, "out.csv", "id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].get("name")->as_string(), "Uno");
  EXPECT_EQ(rows[1].get("name")->as_string(), "Tres");

  Record extra(make_field_names({"key", "unknown_col"}));
  std::vector<WriteItem> bad = {{WriteOp::create, "", extra}};
  res = c->write(WriteRequest{"out.csv", "id", "", bad});
  ASSERT_TRUE(res.ok());
  EXPECT_FALSE((*res)[0].ok);
  EXPECT_NE((*res)[0].error.message.find("unknown_col"), std::string::npos);

  auto found = c->search("out.csv", "id", "key", std::vector<Value>{Value("k3")});
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(c->read_by_ids("out.csv", "id", std::vector<std::string>{id1})->size(), 1u);
}

TEST(Registry, UnknownTypeAndBadOptionsAreDiagnosed) {
  ConnectionConfig c;
  c.name = "x";
  c.type = "fiel";
  c.location = Location{"c.yaml", 3, 3, "connections.x"};
  auto d = ConnectorRegistry::instance().validate(c);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("did you mean 'file'"), std::string::npos);
  c.type = "sqlite";
  c.options.values = Value(Object{{"paht", Value("x.db")}});
  d = ConnectorRegistry::instance().validate(c);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_NE(d[0].message.find("did you mean 'path'"), std::string::npos);
  EXPECT_NE(d[1].message.find("missing required option 'path'"), std::string::npos);
  auto created = ConnectorRegistry::instance().create(c, {});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().kind, ErrorKind::fatal);
}

}  // namespace
}  // namespace crmsync
