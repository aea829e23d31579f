#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "connectors/connector.h"

namespace crmsync {

// What every SQL table connection (sqlite, postgres, mysql) can do.
Capabilities sql_table_capabilities();

// Each field written by `items`, in first-seen order, with its first
// non-null value (null when all are): what decides a created column's type.
std::vector<std::pair<std::string, const Value*>> column_samples(std::span<const WriteItem> items);

}  // namespace crmsync
