#include <algorithm>
#include <set>

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
  auto fields = column_samples(items);
  // Known from an earlier batch of this run: no catalog query per batch.
  auto cached = known_columns_.find(table);
  if (cached != known_columns_.end() &&
      (!create_tables_ || std::all_of(fields.begin(), fields.end(), [&](const auto& f) {
        return cached->second.count(f.first) > 0;
      }))) {
    return {};
  }
  auto cols = driver_->columns(table);
  if (!cols) return cols.error();
  std::set<std::string>& known = known_columns_[table];
  for (const SqlColumn& c : *cols) known.insert(c.name);
  if (!cols->empty() && !create_tables_) return {};
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
    if (!r) {
      known_columns_.erase(table);
      return r.error();
    }
    for (const auto& f : fields) known.insert(f.first);
    return {};
  }
  for (const auto& [name, v] : fields) {
    if (known.count(name)) continue;
    auto r = driver_->run("ALTER TABLE " + driver_->table_name(table) + " ADD COLUMN " +
                              driver_->quote(name) + " " + driver_->column_type(*v, false),
                          {}, what("adding column " + name + " to"));
    if (!r) return r.error();
    known.insert(name);
  }
  return {};
}

}  // namespace crmsync
