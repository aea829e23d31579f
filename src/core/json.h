#pragma once

#include <string>
#include <string_view>

#include "core/record.h"
#include "core/result.h"

namespace crmsync {

// JSON text of a value. Decimals are written as JSON numbers with their exact
// digits; dates and datetimes as ISO 8601 strings.
std::string to_json(const Value& value);
void append_json(const Value& value, std::string& out);
void append_json_string(std::string_view s, std::string& out);
// A record as a JSON object of its fields (the id is not added).
std::string to_json(const Record& record);

// Parses JSON text. Numbers keep their exact digits: integers that fit int64
// become integers, everything else a Decimal (never a double). An error says
// "invalid JSON at byte N of M: <cause> (near \"<excerpt>\")": the parser's cause,
// the byte offset and a short excerpt with every non-printable byte escaped as
// \xNN (so the message is valid UTF-8 whatever the text held). Errors are
// `rejected`; callers add what was being read.
Result<Value> parse_json(std::string_view text);

// An object value as a record with the given shared names (fields absent
// from the object are null; fields not in `names` are added).
Record record_from_object(const Value& object, const FieldNamesPtr& names);

}  // namespace crmsync
