// Multi-row upserts are cut to fit the server's max_allowed_packet: a batch
// of wide rows whose one statement would be longer must still land whole.
#include <gtest/gtest.h>

#include "support/sql_flow_fixture.h"

namespace crmsync::testing {
namespace {

class MysqlBatch : public SqlFlowFixture {
 protected:
  void SetUp() override { use("mariadb"); }
};

TEST_F(MysqlBatch, WideRowsAreSplitToFitMaxAllowedPacket) {
  exec(
      "CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(191) NOT NULL UNIQUE, "
      "body MEDIUMTEXT);");
  const size_t packet = std::stoull(scalar("SELECT @@max_allowed_packet;"));
  const size_t rows = 1000;  // what one multi-row statement would otherwise carry
  const size_t width = packet * 3 / 2 / rows + 1;  // together half as long again as a packet
  ASSERT_LT(width, 1u << 24) << "max_allowed_packet too large for a MEDIUMTEXT test";
  auto conn = connect(false);
  ASSERT_TRUE(conn);
  auto names = make_field_names({"code", "body"});
  WriteRequest w;
  w.object = "t";
  w.external_id = "code";
  std::vector<WriteItem> items;
  for (size_t i = 0; i < rows; ++i) {
    WriteItem item;
    item.op = WriteOp::upsert;
    // A quote every 100 bytes: escaping makes the statement longer still.
    std::string body(width, 'x');
    for (size_t p = 0; p < width; p += 100) body[p] = '\'';
    item.record = Record(names, {Value("W" + std::to_string(i)), Value(std::move(body))});
    items.push_back(std::move(item));
  }
  w.items = items;
  auto res = conn->write(w);
  ASSERT_TRUE(res.ok()) << res.error().message;
  ASSERT_EQ(res->size(), rows);
  for (size_t i = 0; i < rows; ++i) {
    ASSERT_TRUE((*res)[i].ok) << i << ": " << (*res)[i].error.message;
    EXPECT_TRUE((*res)[i].created) << i;
    EXPECT_FALSE((*res)[i].target_id.empty()) << i;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM t WHERE LENGTH(body) = " + std::to_string(width) + ";"),
            static_cast<int64_t>(rows));
  EXPECT_EQ(scalar("SELECT id FROM t WHERE code = 'W999';"), (*res)[rows - 1].target_id);
}

}  // namespace
}  // namespace crmsync::testing
