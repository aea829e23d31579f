#pragma once

#include <string>
#include <variant>

#include "core/value.h"
#include "sandbox/salesforce/schema.h"
#include "sandbox/salesforce/sf_error.h"

namespace crmsync::sandbox::salesforce {

// A JSON (or CSV text) value written to `field`, converted to what the store
// keeps: text for ids, references and text types, bool, int64, Decimal for
// double/currency/percent, Date, DateTime in UTC. Refused values answer the
// error Salesforce gives (JSON_PARSER_ERROR, STRING_TOO_LONG, MALFORMED_ID).
std::variant<Value, SfError> to_stored(const FieldDef& field, const Value& in);

// A stored value as Salesforce writes it in JSON (datetimes
// `2024-01-01T12:00:00.000+0000`, dates `2024-01-01`, exact numbers).
void append_sf_json(const Value& stored, std::string& out);

// A stored value as a CSV cell of Bulk API results (no quoting).
std::string to_sf_text(const Value& stored);

}  // namespace crmsync::sandbox::salesforce
