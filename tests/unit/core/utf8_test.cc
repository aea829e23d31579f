#include "core/utf8.h"

#include <gtest/gtest.h>

#include <random>

#include "core/json.h"

namespace crmsync {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(Utf8, ValidTextIsKept) {
  EXPECT_EQ(to_valid_utf8("plain"), "plain");
  EXPECT_EQ(to_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_EQ(invalid_utf8_offset("ok"), std::string_view::npos);
}

TEST(Utf8, EachBadByteBecomesOneReplacementCharacter) {
  EXPECT_EQ(to_valid_utf8("a\xFF\xFE"
                          "b"),
            "a" + kFffd + kFffd + "b");
  // A lone surrogate as UTF-8 bytes (CESU / WTF-8): three bad bytes.
  EXPECT_EQ(to_valid_utf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);
  // Overlong '/', a sequence cut short, a code point above U+10FFFF.
  EXPECT_EQ(to_valid_utf8("\xC0\xAF"), kFffd + kFffd);
  EXPECT_EQ(to_valid_utf8("x\xE2\x82"), "x" + kFffd + kFffd);
  EXPECT_EQ(to_valid_utf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);
  EXPECT_EQ(invalid_utf8_offset("abc\xFF"), 3u);
}

TEST(Utf8, RandomBytesAlwaysComeOutValidAndAsJsonThatParses) {
  std::mt19937 rng(30);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    std::string fixed = to_valid_utf8(bytes);
    ASSERT_TRUE(is_valid_utf8(fixed));
    std::string json;
    append_json_string(bytes, json);
    ASSERT_TRUE(parse_json(json).ok()) << json;
  }
}

TEST(Utf8, JsonOutputOfInvalidBytesParses) {
  std::string json = to_json(Value(std::string("bad \xFF\xFE and \xED\xA0\x80 end")));
  auto back = parse_json(json);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->as_string(), "bad " + kFffd + kFffd + " and " + kFffd + kFffd + kFffd + " end");
}

}  // namespace
}  // namespace crmsync
