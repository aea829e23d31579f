#pragma once

#include <map>
#include <string>
#include <vector>

#include "connectors/pipedrive/pipedrive_client.h"
#include "core/result.h"

namespace crmsync {

// The API path names of a Pipedrive object ("person" -> "persons"), or ""
// for an unknown object.
struct PipedriveObject {
  std::string name;    // person
  std::string plural;  // persons
  std::string fields;  // v1 field definitions: personFields ("" when none)
  bool v2 = true;      // notes exist in v1 only
};
const PipedriveObject* pipedrive_object(std::string_view name);

// One field definition: a custom field's 40-hex key behind the name users
// write in the config, and enum/set options by label.
struct PipedriveField {
  int64_t id = 0;  // of the definition (v1 /dealFields/{id})
  std::string key;
  std::string name;
  std::string type;  // varchar, double, monetary, enum, set, date, ...
  bool custom = false;
  std::map<std::string, int64_t> option_ids;     // label -> id
  std::map<int64_t, std::string> option_labels;  // id -> label
};

// The field definitions of one object, read once per run from the v1
// fields endpoint (offset pages of 500).
class PipedriveFieldCatalog {
 public:
  static Result<PipedriveFieldCatalog> load(PipedriveClient& client, const PipedriveObject& obj);

  const PipedriveField* by_name(std::string_view name) const;
  const PipedriveField* by_key(std::string_view key) const;
  const std::vector<PipedriveField>& all() const { return fields_; }
  // Names of the custom fields, for messages and record field lists.
  std::vector<std::string> custom_names() const;

 private:
  std::vector<PipedriveField> fields_;
  std::map<std::string, size_t, std::less<>> by_name_, by_key_;
};

// A custom field's value as Pipedrive v2 wants it: option labels become ids
// (enum: one id; set: a list, from a list or "a, b"). Rejected error when a
// label is not an option.
Result<Value> to_pipedrive_value(const PipedriveField& field, const Value& value);
// A custom field's value read from v2: option ids become labels.
Value from_pipedrive_value(const PipedriveField& field, const Value& value);

}  // namespace crmsync
