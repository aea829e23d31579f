#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/connector.h"
#include "core/result.h"

namespace crmsync {

// Salesforce field types that need converting from their JSON form
// (describe's `type`): dates and datetimes arrive as strings.
using SalesforceFieldTypes = std::map<std::string, std::string, std::less<>>;

// A field's value by its describe type: date and datetime text becomes a
// Date / DateTime; anything else, or text that does not parse, stays as is.
Value salesforce_typed(Value v, std::string_view type);

// One page of a query answer.
struct SalesforceQueryPage {
  std::vector<Record> records;
  std::string next_records_url;  // empty when done
  int64_t total_size = 0;
};

// Parses a query answer ({totalSize, done, nextRecordsUrl, records}).
// `names` are the selected fields in order (parent paths kept as nested
// objects under the relationship name: Account.Name -> Account {Name}).
// Dates and datetimes become typed values by `types`; `IsDeleted` marks the
// record deleted; the id comes from `Id`.
Result<SalesforceQueryPage> parse_query_page(std::string_view body, const FieldNamesPtr& names,
                                             const SalesforceFieldTypes& types);

// Relationship name (Account, Owner) -> the object it points to.
using SalesforceRelationships = std::map<std::string, std::string, std::less<>>;

// Field name -> type from a describe answer, and the schema for `describe`.
Result<ObjectSchema> parse_describe(std::string_view body, SalesforceFieldTypes* types,
                                    SalesforceRelationships* relationships = nullptr);

// Per-record results of an sObject Collections call, in request order:
// [{id, success, created?, errors:[{statusCode, message, fields}]}].
Result<std::vector<WriteResult>> parse_collection_results(std::string_view body, size_t expected);

// The JSON body of one record for a write: its fields (Value -> JSON) with
// `attributes.type`, plus `id` for updates.
void append_record_json(const Record& record, std::string_view type, std::string_view id,
                        std::string& out);

}  // namespace crmsync
