#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/value.h"

namespace crmsync {

// A value as a SOQL literal: strings quoted with \' and \\ escaped,
// datetimes unquoted in UTC (whole seconds, rounded down, which keeps a `>=`
// cursor bound inclusive), dates unquoted, null as null.
std::string soql_literal(const Value& value);

// `SELECT f1, f2 FROM object` with the field list de-duplicated (Id first).
std::string soql_select(const std::vector<std::string>& fields, const std::string& object);

// `field IN ('a', 'b')`.
std::string soql_in(const std::string& field, std::span<const Value> values);

}  // namespace crmsync
