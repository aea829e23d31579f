#include "connectors/postgres/postgres_client.h"
#include "core/json.h"

namespace crmsync {

std::optional<std::string> pg_param_text(const Value& v) {
  switch (v.type()) {
    case ValueType::null:
      return std::nullopt;
    case ValueType::boolean:
      return v.as_bool() ? "true" : "false";
    case ValueType::datetime:
      // UTC with a zone: exact for timestamptz, and the UTC wall time for a
      // timestamp column (which ignores the zone), as reads assume.
      return v.as_datetime().in_utc().to_iso8601();
    case ValueType::array:
    case ValueType::object:
      return to_json(v);
    default:
      return v.to_text();  // decimals exact, dates ISO
  }
}

std::string PostgresClient::column_type(const Value& sample, bool key) const {
  switch (sample.type()) {
    case ValueType::integer:
      return "BIGINT";
    case ValueType::decimal:
      return "NUMERIC";
    case ValueType::boolean:
      return "BOOLEAN";
    case ValueType::date:
      return "DATE";
    case ValueType::datetime:
      return "TIMESTAMPTZ";
    case ValueType::array:
    case ValueType::object:
      return key ? "TEXT" : "JSONB";
    default:
      return "TEXT";
  }
}

std::string PostgresClient::upsert_clause(const std::string& key,
                                          const std::vector<std::string>& columns) const {
  std::string sets;
  for (const std::string& c : columns) {
    if (c == key) continue;
    sets += (sets.empty() ? "" : ", ") + quote(c) + " = EXCLUDED." + quote(c);
  }
  return "ON CONFLICT (" + quote(key) + ") DO " + (sets.empty() ? "NOTHING" : "UPDATE SET " + sets);
}

// xmax is 0 on a row version this statement inserted, the updating
// transaction's id on one it updated (a documented consequence of MVCC that
// upsert tools rely on). DO NOTHING returns no row for an existing key.
std::string PostgresClient::upsert_returning(const std::string& id, const std::string& key) const {
  return "RETURNING " + quote(id) + ", " + quote(key) + "::text, (xmax = 0)";
}

}  // namespace crmsync
