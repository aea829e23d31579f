#include "connectors/sql/sql_common.h"

#include <algorithm>

namespace crmsync {

Capabilities sql_table_capabilities() {
  Capabilities c;
  c.read_full = c.read_since_cursor = c.ordered_by_cursor = c.read_by_ids = true;
  c.pushdown_filter = c.search_by_field = c.search_ignoring_case = c.describe = true;
  c.write_create = c.write_update = c.write_delete = c.write_upsert_external_id = true;
  return c;
}

std::vector<std::pair<std::string, const Value*>> column_samples(std::span<const WriteItem> items) {
  std::vector<std::pair<std::string, const Value*>> fields;
  // Records of one call share their field names: the names are matched once
  // per distinct set, then each record only looks at its values.
  const FieldNames* names = nullptr;
  std::vector<size_t> slot;  // field i of `names` -> index in `fields`
  for (const WriteItem& it : items) {
    const Record& r = it.record;
    if (r.names().get() != names) {
      names = r.names().get();
      slot.assign(r.size(), 0);
      for (size_t i = 0; i < r.size(); ++i) {
        auto f = std::find_if(fields.begin(), fields.end(),
                              [&](const auto& p) { return p.first == r.name(i); });
        if (f == fields.end()) f = fields.insert(fields.end(), {r.name(i), &r.value(i)});
        slot[i] = static_cast<size_t>(f - fields.begin());
      }
    }
    for (size_t i = 0; i < r.size(); ++i) {
      const Value*& sample = fields[slot[i]].second;
      if (sample->is_null()) sample = &r.value(i);
    }
  }
  return fields;
}

}  // namespace crmsync
