#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crmsync {

// Text from outside (API bodies, files, driver messages) is not trusted to
// be UTF-8. Before it enters a message, the state store or JSON output it is
// made valid: every byte that does not start a well-formed sequence becomes
// U+FFFD, one per bad byte. Encoded surrogates (ED A0..BF), overlong forms
// and code points above U+10FFFF are bad bytes as well, so the result always
// parses as JSON text once escaped. Pure functions, any thread.

bool is_valid_utf8(std::string_view text);
// Byte offset of the first byte that is not well-formed UTF-8; npos if none.
size_t invalid_utf8_offset(std::string_view text);
std::string to_valid_utf8(std::string_view text);
// Appends `text` to `out`, made valid as above (no copy when it already is).
void append_valid_utf8(std::string_view text, std::string& out);
// Appends code point `cp` (at most U+10FFFF; callers pair surrogates first)
// as UTF-8: the encoders of the file and ODBC connectors share it.
void append_code_point(uint32_t cp, std::string& out);

}  // namespace crmsync
