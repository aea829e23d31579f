#pragma once

#include <string>

#include "config/config.h"
#include "config/spec.h"
#include "core/result.h"

namespace crmsync {

// Options every HTTP connector (pipedrive, rest, salesforce) shares, declared
// once so their name, default and description cannot drift apart.

// Sends of one call in total, first try included (net::HttpSession).
inline constexpr int kDefaultMaxAttempts = 5;

// The `max_attempts` option spec, with the retry rules in its description.
OptionSpec max_attempts_option();
// The validated value: an error (fatal) below 1 or above 20.
Result<int> read_max_attempts(const OptionSet& options);

}  // namespace crmsync
