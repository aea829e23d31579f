#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"

namespace crmsync {

// Calls `on_code(begin, end)` for each stretch of SQL text that is neither a
// quoted literal or identifier ('..', "..", `..`) nor a comment (-- and
// /* */), so that callers rewrite only real SQL.
void for_each_sql_code_span(std::string_view sql,
                            const std::function<void(size_t begin, size_t end)>& on_code);

// Rewrites the named parameters of a user query (`:company`, not `::int`
// casts) into the driver's placeholders, numbered from `first_index`, and
// appends their values from `values` (an object) to `params`. A name without
// a value is a fatal error that names it.
Result<std::string> bind_named_params(std::string_view sql, const Value& values,
                                      const std::function<std::string(size_t)>& placeholder,
                                      size_t first_index, std::vector<Value>& params);

}  // namespace crmsync
