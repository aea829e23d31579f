#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crmsync {

// The `encoding:` of a file connection. Files are decoded to UTF-8 as they
// stream, so everything after the reader (cells, ids, the state store, the
// target) sees UTF-8 only.
enum class TextEncoding { utf8, latin1, cp1252, utf16, utf16le, utf16be };

// "utf-8" (also "utf8"), "latin1" (also "iso-8859-1"), "cp1252" (also
// "windows-1252"), "utf-16", "utf-16le", "utf-16be"; nullopt for others.
std::optional<TextEncoding> parse_text_encoding(std::string_view name);
const char* to_string(TextEncoding e);

// Decodes a byte stream in one encoding to UTF-8, chunk by chunk: a code
// unit or surrogate pair split between chunks is carried to the next call.
// What is not valid in the encoding (a lone surrogate, an odd last byte)
// comes out as the byte 0xFF, which is never valid UTF-8, so the row that
// holds it is rejected by first_invalid_utf8 like a bad UTF-8 row.
// latin1 and cp1252 decode every byte (cp1252's five unassigned bytes as the
// C1 controls, as browsers do).
class TextDecoder {
 public:
  explicit TextDecoder(TextEncoding encoding) : encoding_(encoding) {}
  void decode(std::string_view in, std::string& out);
  void finish(std::string& out);  // at the end of the stream

 private:
  void put_utf16(uint32_t unit, std::string& out);

  TextEncoding encoding_;
  std::string carry_;  // bytes of an incomplete UTF-16 code unit
  uint32_t high_surrogate_ = 0;
};

// Offset of the first byte of `text` that is not valid UTF-8 text (a bad
// sequence, an overlong or surrogate encoding, or a NUL byte, which no
// text file holds); npos when all of it is valid.
size_t first_invalid_utf8(std::string_view text);

// `text` with every byte that is not valid UTF-8 written as \xNN, so a bad
// row can be quoted in a message or stored without storing invalid UTF-8.
std::string escape_invalid_utf8(std::string_view text);

}  // namespace crmsync
