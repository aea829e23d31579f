#pragma once

#include <string>
#include <utility>

#include "core/value.h"

namespace crmsync {

// A Value as (type name, text) columns and back, exactly: a datetime cursor
// comes back a datetime with the same instant, a decimal with its digits.
std::pair<std::string, std::string> encode_value(const Value& v);
Value decode_value(const std::string& type, const std::string& text);

}  // namespace crmsync
