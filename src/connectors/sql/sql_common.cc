#include "connectors/sql/sql_common.h"

#include <algorithm>

namespace crmsync {

Capabilities sql_table_capabilities() {
  Capabilities c;
  c.read_full = c.read_since_cursor = c.ordered_by_cursor = c.read_by_ids = true;
  c.pushdown_filter = c.search_by_field = c.describe = true;
  c.write_create = c.write_update = c.write_delete = c.write_upsert_external_id = true;
  return c;
}

std::vector<std::pair<std::string, const Value*>> column_samples(std::span<const WriteItem> items) {
  std::vector<std::pair<std::string, const Value*>> fields;
  for (const WriteItem& it : items) {
    for (size_t i = 0; i < it.record.size(); ++i) {
      auto f = std::find_if(fields.begin(), fields.end(),
                            [&](const auto& p) { return p.first == it.record.name(i); });
      if (f == fields.end()) {
        fields.emplace_back(it.record.name(i), &it.record.value(i));
      } else if (f->second->is_null()) {
        f->second = &it.record.value(i);
      }
    }
  }
  return fields;
}

}  // namespace crmsync
