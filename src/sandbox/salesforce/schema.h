#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/result.h"

namespace crmsync::sandbox::salesforce {

// Salesforce describe field types the sandbox stores.
enum class FieldType {
  id,
  string,
  textarea,
  email,
  phone,
  url,
  picklist,
  boolean,
  integer,
  double_,
  currency,
  percent,
  date,
  datetime,
  reference
};
std::string_view describe_type(FieldType t);  // "id", "string", "int", "double" ...
std::string_view soap_type(FieldType t);      // "tns:ID", "xsd:string" ...

struct FieldDef {
  std::string name;
  std::string label;
  FieldType type = FieldType::string;
  int length = 0;
  int precision = 0;
  int scale = 0;
  bool required = false;  // createable, not nillable, no default: REQUIRED_FIELD_MISSING
  bool createable = true;
  bool updateable = true;
  bool external_id = false;
  bool unique = false;
  bool id_lookup = false;
  bool custom = false;
  bool system = false;  // maintained by the store (Id, CreatedDate, ...)
  bool name_field = false;
  Value default_value;               // applied on create when the field is not given
  std::vector<std::string> formula;  // Name of Contact/User: fields joined by a space
  std::vector<std::string> reference_to;
  std::string relationship_name;
  std::vector<std::string> picklist;
};

struct ObjectDef {
  std::string name;
  std::string label;
  std::string label_plural;
  std::string key_prefix;
  bool custom = false;
  std::vector<FieldDef> fields;  // system fields first, in describe order
  FieldNamesPtr names;           // the field names, shared by every stored record

  // Field index by name, case-insensitive as in SOQL; -1 when unknown.
  int field_index(std::string_view name) const;
  // The reference field whose relationship name is `rel` (case-insensitive).
  const FieldDef* relationship(std::string_view rel) const;

  std::map<std::string, int> index_by_lower;  // lower-case name -> index
};

// The objects of the sandbox, read once at start from a JSON schema file
// (schema.json beside this file, compiled in; `--schema FILE` replaces it).
class Schema {
 public:
  static Result<Schema> parse(std::string_view json_text);
  // The schema shipped in the repository (src/sandbox/salesforce/schema.json).
  static Result<Schema> builtin();

  // nullptr when unknown; names are case-insensitive.
  const ObjectDef* find(std::string_view name) const;
  // The object whose 3-character key prefix starts `id`, or nullptr.
  const ObjectDef* by_id(std::string_view id) const;
  const std::vector<ObjectDef>& objects() const { return objects_; }

 private:
  std::vector<ObjectDef> objects_;
};

// A child relationship of a parent object: the children whose reference
// field points to it. Named as Salesforce names them by default: a standard
// field gets the child's plural (Contacts, Opportunities; ChildAccounts for
// Account.ParentId), a custom field the child's plural label with `__r`
// (Agreements__r); a later field of the same child and parent is prefixed
// with its own name (Co_Borrower_Loans__r).
struct ChildRelationship {
  const ObjectDef* child = nullptr;
  const FieldDef* field = nullptr;
  std::string name;
};
std::vector<ChildRelationship> child_relationships(const Schema& schema, const ObjectDef& parent);

std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

}  // namespace crmsync::sandbox::salesforce
