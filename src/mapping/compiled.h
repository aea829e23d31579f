#pragma once

#include <vector>

#include "mapping/mapping.h"
#include "mapping/rules.h"

namespace crmsync::mapping {

class Compiled final : public CompiledMapping {
 public:
  Result<MappedRecord> apply(const Record& source) override;
  const std::vector<std::string>& source_fields() const override { return source_fields_; }
  const std::vector<std::string>& target_fields() const override { return target_fields_; }
  const std::vector<std::string>& referenced_flows() const override { return flows_; }
  std::vector<Value> fixed_values(std::string_view target) const override;

  std::vector<Rule> rules_;
  std::vector<std::string> source_fields_;
  std::vector<std::string> target_fields_;
  std::vector<std::string> flows_;
  FieldNamesPtr names_;
};

}  // namespace crmsync::mapping
