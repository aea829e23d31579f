#include <gtest/gtest.h>

#include "core/json.h"
#include "core/utf8.h"

namespace crmsync {
namespace {

std::string error_of(std::string_view text) {
  auto r = parse_json(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error().message;
}

// Each case: the text, the offset the error must name, words of the cause.
struct Case {
  std::string text;
  size_t offset;
  std::string cause;
};

TEST(JsonErrors, NameTheCauseTheByteOffsetAndAnEscapedExcerpt) {
  const Case cases[] = {
      {R"({"data": [{"id": 1}, {"id": 2)", 29, "truncated"},
      {"NaN", 0, "unexpected 'N'"},
      {R"({"data": [NaN]})", 10, "unexpected 'N'"},
      {R"({"n": -1e99999})", 6, "number"},
      {"{\"name\": \"caf\xFF\xFE\"}", 13, "invalid UTF-8"},
      {R"({"a": 1} x)", 9, "trailing content"},
      {"", 0, "empty"},
  };
  for (const Case& c : cases) {
    std::string msg = error_of(c.text);
    EXPECT_NE(msg.find("at byte " + std::to_string(c.offset) + " "), std::string::npos)
        << c.text << " -> " << msg;
    EXPECT_NE(msg.find(c.cause), std::string::npos) << c.text << " -> " << msg;
    EXPECT_TRUE(is_valid_utf8(msg)) << msg;
  }
}

TEST(JsonErrors, TheExcerptEscapesBytesAndStaysShort) {
  std::string text = std::string(100, ' ') + "{\"x\": \"\xFF\"}" + std::string(100, ' ');
  std::string msg = error_of(text);
  EXPECT_NE(msg.find("\\xff"), std::string::npos) << msg;
  EXPECT_LT(msg.size(), 160u) << msg;
}

TEST(JsonErrors, ALoneSurrogateEscapeIsAnErrorNotInvalidText) {
  auto r = parse_json(R"({"s": "\ud800"})");
  if (r.ok()) {
    // Accepted by the parser: the value must still be valid UTF-8.
    EXPECT_TRUE(is_valid_utf8(to_json(*r))) << to_json(*r);
  } else {
    EXPECT_NE(r.error().message.find("at byte"), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace crmsync
