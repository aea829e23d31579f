#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

namespace crmsync {

// A duration as a config writes it: a whole number with a unit s, m, h or d,
// several of them added up ("90s", "5m", "1h30m", "2d"), or a bare "0".
// In microseconds. A negative one ("-5m") is an error that says so, as is a
// number without a unit (seconds or minutes? we do not guess).
Result<int64_t> parse_duration_micros(const std::string& text);

// "1h30m", "5m", "0s": the shortest text parse_duration_micros reads back,
// for messages and `crmsync spec`. Whole seconds (sub-second parts dropped).
std::string format_duration(int64_t micros);

}  // namespace crmsync
