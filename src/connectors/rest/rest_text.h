#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/value.h"
#include "net/http_headers.h"

namespace crmsync {

// The value at an RFC 6901 JSON pointer ("" = the whole value, "/a/0/b",
// "~1" for '/', "~0" for '~'); nullptr when absent.
const Value* json_pointer(const Value& root, std::string_view pointer);

// `text` with every `{name}` replaced by `value`; other braces stay.
std::string replace_placeholder(std::string text, std::string_view name, std::string_view value);

// An absolute URL for `ref`: kept when it has a scheme, joined to the origin
// of `base_url` when it starts with '/', else appended to base_url.
std::string resolve_url(const std::string& base_url, const std::string& ref);

// The target of the Link header's rel="next" (RFC 8288), if any.
std::optional<std::string> next_link(const net::HttpHeaders& headers);

// MD5 digest (RFC 1321) of `text` as 32 lower-case hex digits: what some
// login endpoints (S1's finance system) expect instead of the password.
std::string md5_hex(std::string_view text);

// Standard base64 (RFC 4648, padded): the Basic auth credentials.
std::string base64_encode(std::string_view bytes);

}  // namespace crmsync
