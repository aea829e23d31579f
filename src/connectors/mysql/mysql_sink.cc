#include "connectors/mysql/mysql_client.h"

namespace crmsync {

std::string MysqlClient::column_type(const Value& sample, bool key) const {
  switch (sample.type()) {
    case ValueType::integer:
      return "BIGINT";
    case ValueType::decimal:
      return "DECIMAL(38,10)";
    case ValueType::boolean:
      return "BOOLEAN";
    case ValueType::date:
      return "DATE";
    case ValueType::datetime:
      return "DATETIME(6)";
    case ValueType::array:
    case ValueType::object:
      return key ? "VARCHAR(191)" : "JSON";
    default:
      // An indexed key needs a bounded length (191 utf8mb4 characters fit
      // every InnoDB index); other text is unbounded.
      return key ? "VARCHAR(191)" : "TEXT";
  }
}

std::string MysqlClient::upsert_clause(const std::string& key,
                                       const std::vector<std::string>& columns) const {
  std::string sets;
  for (const std::string& c : columns) {
    if (c == key) continue;
    sets += (sets.empty() ? "" : ", ") + quote(c) + " = VALUES(" + quote(c) + ")";
  }
  if (sets.empty()) sets = quote(key) + " = " + quote(key);
  return "ON DUPLICATE KEY UPDATE " + sets;
}

}  // namespace crmsync
