#include "connectors/file/text_encoding.h"

#include "core/utf8.h"

namespace crmsync {
namespace {

constexpr char kInvalid = static_cast<char>(0xFF);

// cp1252 0x80-0x9F; 0 = unassigned (decoded as the C1 control of that value).
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Length of the valid UTF-8 sequence at text[i], 0 when it is not one.
size_t utf8_sequence(std::string_view text, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = b(i);
  if (c == 0) return 0;
  if (c < 0x80) return 1;
  size_t n = 0;
  uint32_t min = 0;
  uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, min = 0x80, cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, min = 0x800, cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, min = 0x10000, cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::optional<TextEncoding> parse_text_encoding(std::string_view name) {
  std::string n;
  for (char c : name) n += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (n == "utf-8" || n == "utf8") return TextEncoding::utf8;
  if (n == "latin1" || n == "latin-1" || n == "iso-8859-1") return TextEncoding::latin1;
  if (n == "cp1252" || n == "windows-1252") return TextEncoding::cp1252;
  if (n == "utf-16" || n == "utf16") return TextEncoding::utf16;
  if (n == "utf-16le" || n == "utf16le") return TextEncoding::utf16le;
  if (n == "utf-16be" || n == "utf16be") return TextEncoding::utf16be;
  return std::nullopt;
}

const char* to_string(TextEncoding e) {
  switch (e) {
    case TextEncoding::utf8:
      return "utf-8";
    case TextEncoding::latin1:
      return "latin1";
    case TextEncoding::cp1252:
      return "cp1252";
    case TextEncoding::utf16:
      return "utf-16";
    case TextEncoding::utf16le:
      return "utf-16le";
    case TextEncoding::utf16be:
      return "utf-16be";
  }
  return "utf-8";
}

void TextDecoder::put_utf16(uint32_t unit, std::string& out) {
  if (high_surrogate_ != 0) {
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      append_code_point(0x10000 + ((high_surrogate_ - 0xD800) << 10) + (unit - 0xDC00), out);
      high_surrogate_ = 0;
      return;
    }
    out += kInvalid;  // a high surrogate without its low half
    high_surrogate_ = 0;
  }
  if (unit >= 0xD800 && unit <= 0xDBFF) {
    high_surrogate_ = unit;
  } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
    out += kInvalid;  // a low surrogate alone
  } else if (unit == 0) {
    out += kInvalid;  // NUL: not text
  } else {
    append_code_point(unit, out);
  }
}

void TextDecoder::decode(std::string_view in, std::string& out) {
  switch (encoding_) {
    case TextEncoding::utf8:
      out.append(in);
      return;
    case TextEncoding::latin1:
      for (char ch : in) append_code_point(static_cast<unsigned char>(ch), out);
      return;
    case TextEncoding::cp1252:
      for (char ch : in) {
        auto c = static_cast<unsigned char>(ch);
        uint32_t cp = c >= 0x80 && c <= 0x9F && kCp1252High[c - 0x80] ? kCp1252High[c - 0x80] : c;
        append_code_point(cp, out);
      }
      return;
    case TextEncoding::utf16:  // resolved from the byte order mark before decoding
    case TextEncoding::utf16le:
    case TextEncoding::utf16be: {
      bool be = encoding_ == TextEncoding::utf16be;
      size_t i = 0;
      auto byte = [&](size_t k) -> uint32_t {
        return k < carry_.size() ? static_cast<unsigned char>(carry_[k])
                                 : static_cast<unsigned char>(in[k - carry_.size()]);
      };
      size_t total = carry_.size() + in.size();
      for (; i + 1 < total; i += 2) {
        uint32_t a = byte(i), b = byte(i + 1);
        put_utf16(be ? (a << 8 | b) : (b << 8 | a), out);
      }
      std::string rest;
      for (; i < total; ++i) rest += static_cast<char>(byte(i));
      carry_ = std::move(rest);
      return;
    }
  }
}

void TextDecoder::finish(std::string& out) {
  if (!carry_.empty() || high_surrogate_ != 0) out += kInvalid;
  carry_.clear();
  high_surrogate_ = 0;
}

size_t first_invalid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    // ASCII runs are the common case.
    if (static_cast<unsigned char>(text[i]) < 0x80 && text[i] != '\0') {
      ++i;
      continue;
    }
    size_t n = utf8_sequence(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

std::string escape_invalid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t n = utf8_sequence(text, i);
    if (n == 0) {
      static const char* kHex = "0123456789abcdef";
      auto c = static_cast<unsigned char>(text[i]);
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace crmsync
