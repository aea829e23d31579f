#include "core/csv.h"

#include <gtest/gtest.h>

namespace crmsync {
namespace {

std::vector<std::vector<std::string>> rows(std::string_view text, char delim = ',') {
  CsvReader r(text, delim);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> cells;
  while (r.next(cells)) out.push_back(cells);
  return out;
}

TEST(CsvReader, ReadsQuotesDoubledQuotesAndEmbeddedLineEnds) {
  auto r = rows("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",,x\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], (std::vector<std::string>{"a", "b,c", "say \"hi\""}));
  EXPECT_EQ(r[1], (std::vector<std::string>{"two\nlines", "", "x"}));
}

TEST(CsvReader, TellsQuotedEmptyFromEmptyAndReportsAnOpenQuote) {
  CsvReader r("\"\",\n\"open");
  std::vector<std::string> cells;
  ASSERT_TRUE(r.next(cells));
  EXPECT_TRUE(r.quoted(0));
  EXPECT_FALSE(r.quoted(1));
  EXPECT_FALSE(r.next(cells));
  EXPECT_NE(r.error().find("row 2"), std::string::npos);
}

TEST(CsvReader, OtherDelimitersAndQuotingRoundTrip) {
  EXPECT_EQ(rows("a|b\n", csv_delimiter_of("PIPE"))[0], (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(csv_delimiter_of("NOPE"), '\0');
  std::string out;
  append_csv_quoted("x \"y\"\nz", out);
  EXPECT_EQ(out, "\"x \"\"y\"\"\nz\"");
  EXPECT_EQ(rows(out)[0][0], "x \"y\"\nz");
}

}  // namespace
}  // namespace crmsync
