#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace crmsync::mapping {

using UuidBytes = std::array<unsigned char, 16>;

// "6ba7b811-9dad-11d1-80b4-00c04fd430c8" -> bytes; nullopt when the text
// is not a UUID in that form (any case).
std::optional<UuidBytes> parse_uuid(std::string_view text);

// The name-based version-5 UUID (RFC 9562 section 5.5: SHA-1 of the
// namespace's bytes and the name), lower-case with hyphens. The same
// namespace and name give the same UUID on every run and machine, so a
// target id made from a source id needs no lookup to be found again.
std::string uuid_v5(const UuidBytes& ns, std::string_view name);

// RFC 9562's URL namespace, 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
const UuidBytes& url_namespace();

}  // namespace crmsync::mapping
