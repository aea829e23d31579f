#include <algorithm>

#include "connectors/sql/sql_common.h"
#include "connectors/sql/sql_connection.h"

namespace crmsync {

// With create_tables, a missing table is created from the records about to
// be written (the first non-null value of each field decides its type) and
// missing columns are added. Without it, a missing table stops the flow and
// a missing column rejects the records that carry it (the insert says so).
Status SqlConnection::ensure_table(const std::string& table, const std::string& id_field,
                                   const std::string& external_id,
                                   std::span<const WriteItem> items) {
  auto cols = driver_->columns(table);
  if (!cols) return cols.error();
  if (!cols->empty() && !create_tables_) return {};
  auto fields = column_samples(items);
  auto what = [&](const std::string& doing) { return doing + " " + table; };
  if (cols->empty()) {
    if (!create_tables_) {
      return Error(ErrorKind::fatal,
                   driver_->target_name() + ": no table '" + table + "' (create_tables is off)");
    }
    auto id = std::find_if(fields.begin(), fields.end(),
                           [&](const auto& p) { return p.first == id_field; });
    std::string sql =
        "CREATE TABLE " + driver_->table_name(table) + " (" + driver_->quote(id_field) + " " +
        (id == fields.end() ? driver_->auto_id_column()
                            : driver_->column_type(*id->second, true) + " PRIMARY KEY");
    for (const auto& [name, v] : fields) {
      if (name == id_field) continue;
      sql += ", " + driver_->quote(name) + " " + driver_->column_type(*v, name == external_id);
      if (name == external_id) sql += " UNIQUE";
    }
    auto r = driver_->run(sql + ")", {}, what("creating table"));
    if (!r) return r.error();
    return {};
  }
  for (const auto& [name, v] : fields) {
    bool known =
        std::any_of(cols->begin(), cols->end(), [&](const SqlColumn& c) { return c.name == name; });
    if (known) continue;
    auto r = driver_->run("ALTER TABLE " + driver_->table_name(table) + " ADD COLUMN " +
                              driver_->quote(name) + " " + driver_->column_type(*v, false),
                          {}, what("adding column " + name + " to"));
    if (!r) return r.error();
  }
  return {};
}

}  // namespace crmsync
