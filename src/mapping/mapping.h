#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/record.h"
#include "core/result.h"

namespace crmsync::mapping {

// A `ref:` found while mapping one record: the target field must get the
// target id that flow `flow` wrote for source id `source_id`. The engine
// resolves these in bulk through the id map (one lookup per batch) and fills
// them in with `set_ref`; mapping itself never touches state.
struct PendingRef {
  std::string flow;
  std::string source_id;
  std::string field;       // target field (top level)
  int item_index = -1;     // >= 0: inside the `each:` array at `field`, element index
  std::string item_field;  // field inside that element
};

struct MappedRecord {
  Record record;                 // target field names -> values
  std::vector<PendingRef> refs;  // to resolve before writing
};

// Writes a resolved reference into the mapped record (nullopt = null).
void set_ref(MappedRecord& mapped, const PendingRef& ref, std::optional<std::string> target_id);

// What compile can check when the schemas are known (describe / discover).
struct SchemaHints {
  std::vector<std::string> source_fields;  // empty = unknown, not checked
  std::vector<std::string> target_fields;  // empty = unknown, not checked
  std::vector<std::string> flows;          // flow names valid in `ref:`
};

class CompiledMapping;

// Compiles a flow's mapping entries once. All problems are returned at once
// as diagnostics naming the entry's file:line and key. The grammar of an entry
// spec is documented in src/mapping/README.md.
struct CompileResult {
  std::unique_ptr<CompiledMapping> mapping;  // null when diagnostics is non-empty
  Diagnostics diagnostics;
};
CompileResult compile(const std::vector<MappingEntry>& entries, const SchemaHints& hints = {});

class CompiledMapping {
 public:
  virtual ~CompiledMapping() = default;
  // Maps one source record. Errors are ErrorKind::rejected and name the
  // target field and the offending value ("stage: no mapping for 'Foo' and
  // no default"). Thread-compatible: one instance per thread.
  virtual Result<MappedRecord> apply(const Record& source) = 0;
  // Source fields the mapping reads (to request only those from the source).
  virtual const std::vector<std::string>& source_fields() const = 0;
  // Target field names it produces, in order.
  virtual const std::vector<std::string>& target_fields() const = 0;
  // Flows referenced through `ref:` (the planner orders flows by these).
  virtual const std::vector<std::string>& referenced_flows() const = 0;
  // The values a target field can get when the mapping fixes them (a value
  // map's values and default, a constant), distinct, sorted by text; empty
  // when the field takes source values. `crmsync setup` checks these exist
  // in the target (e.g. Pipedrive stage names).
  virtual std::vector<Value> fixed_values(std::string_view target) const = 0;
};

}  // namespace crmsync::mapping
