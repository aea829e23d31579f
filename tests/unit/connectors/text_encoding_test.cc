#include "connectors/file/text_encoding.h"

#include <gtest/gtest.h>

namespace crmsync {
namespace text_encoding_test {

std::string decode_in_pieces(TextEncoding e, const std::string& bytes, size_t piece) {
  TextDecoder d(e);
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += piece) d.decode(bytes.substr(i, piece), out);
  d.finish(out);
  return out;
}

TEST(TextEncoding, Utf16SplitAnywhereDecodesTheSame) {
  // "aé€😀" in UTF-16LE: a surrogate pair at the end.
  std::string le("a\0\xe9\0\xac\x20\x3d\xd8\x00\xde", 10);
  std::string be("\0a\0\xe9\x20\xac\xd8\x3d\xde\x00", 10);
  const std::string want = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
  for (size_t piece : {1, 2, 3, 5, 10}) {
    EXPECT_EQ(decode_in_pieces(TextEncoding::utf16le, le, piece), want) << piece;
    EXPECT_EQ(decode_in_pieces(TextEncoding::utf16be, be, piece), want) << piece;
  }
}

TEST(TextEncoding, InvalidUtf16BecomesAnInvalidUtf8Byte) {
  std::string lone_low(
      "\x00\xdc"
      "a\0",
      4);
  std::string out = decode_in_pieces(TextEncoding::utf16le, lone_low, 4);
  EXPECT_EQ(first_invalid_utf8(out), 0u);
  std::string odd("a\0b", 3);
  out = decode_in_pieces(TextEncoding::utf16le, odd, 3);
  EXPECT_EQ(first_invalid_utf8(out), 1u);
}

TEST(TextEncoding, Latin1AndCp1252) {
  EXPECT_EQ(decode_in_pieces(TextEncoding::latin1, "M\xfcller \x80", 4), "M\xc3\xbcller \xc2\x80");
  EXPECT_EQ(decode_in_pieces(TextEncoding::cp1252, "M\xfcller \x80", 4),
            "M\xc3\xbcller \xe2\x82\xac");
  EXPECT_EQ(decode_in_pieces(TextEncoding::cp1252, "\x81", 1), "\xc2\x81");  // unassigned: C1
}

TEST(TextEncoding, FirstInvalidUtf8) {
  EXPECT_EQ(first_invalid_utf8("plain"), std::string::npos);
  EXPECT_EQ(first_invalid_utf8("Zo\xc3\xab \xf0\x9f\x98\x80"), std::string::npos);
  EXPECT_EQ(first_invalid_utf8("ab\xff"), 2u);
  EXPECT_EQ(first_invalid_utf8("a\xc3"), 1u);                 // cut short
  EXPECT_EQ(first_invalid_utf8("a\xc0\xaf"), 1u);             // overlong
  EXPECT_EQ(first_invalid_utf8("a\xed\xa0\x80"), 1u);         // a surrogate
  EXPECT_EQ(first_invalid_utf8(std::string("a\0b", 3)), 1u);  // NUL is not text
  EXPECT_EQ(escape_invalid_utf8("M\xfcller \xc3\xa9"), "M\\xfcller \xc3\xa9");
}

TEST(TextEncoding, Names) {
  EXPECT_EQ(parse_text_encoding("UTF-8"), TextEncoding::utf8);
  EXPECT_EQ(parse_text_encoding("windows-1252"), TextEncoding::cp1252);
  EXPECT_EQ(parse_text_encoding("utf-16"), TextEncoding::utf16);
  EXPECT_FALSE(parse_text_encoding("ebcdic"));
}

}  // namespace text_encoding_test
}  // namespace crmsync
