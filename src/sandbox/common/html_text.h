#pragma once

#include <string>
#include <string_view>

namespace crmsync::sandbox {

// `text` safe inside HTML element content and quoted attribute values (the
// sandboxes' OAuth consent and login pages echo request parameters).
std::string html_escape(std::string_view text);

}  // namespace crmsync::sandbox
