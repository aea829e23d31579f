#pragma once

#include <cstdint>
#include <string>

#include "core/record.h"

namespace crmsync {

// Canonical 64-bit checksum (XXH3) of a record's fields: independent of field
// order, stable across runs and machines, numbers by value (5 == 5.00),
// datetimes by instant. The record id and deleted flag are not part of it.
// Used to skip writes of records that did not change (DESIGN.md 4.2).
uint64_t checksum(const Record& record);
uint64_t checksum(const Value& value);

// The canonical byte encoding the checksum hashes; exposed for tests.
void append_canonical(const Value& value, std::string& out);
void append_canonical(const Record& record, std::string& out);

}  // namespace crmsync
