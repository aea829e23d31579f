#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace crmsync {

// Standard base64 (RFC 4648 section 4) with padding, or, with `url`, the
// URL-safe alphabet without padding (section 5; what JWTs and PKCE use).
std::string base64_encode(std::string_view bytes, bool url = false);
// Decodes either alphabet, padding optional; nullopt on any other character
// or a length no encoder produces.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace crmsync
