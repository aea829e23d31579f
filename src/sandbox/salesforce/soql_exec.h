#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "sandbox/salesforce/soql.h"
#include "sandbox/salesforce/store.h"

namespace crmsync::sandbox::salesforce {

// What a query selects, as a tree: the object's own fields, and parent
// relationships (Account.Name) with the fields selected through them.
struct SelectNode {
  std::string name;               // field or relationship name, canonical case
  int field = -1;                 // leaf: field index in `object`
  const FieldDef* ref = nullptr;  // relationship: the reference field followed
  const ObjectDef* object = nullptr;
  std::vector<SelectNode> children;
};

// A query's answer: the matching rows of one object in order. Pages are
// rendered from the live rows, so a record changed between pages shows its
// newest state (as with a Salesforce query cursor, rows are fixed at start).
struct QueryResult {
  const ObjectDef* object = nullptr;
  std::shared_ptr<const SelectNode> select;
  std::vector<size_t> rows;
  bool count_only = false;
  // COUNT(f) queries: one AggregateResult of (alias or exprN, count); rows
  // then hold the matching rows only for the counting.
  std::vector<std::pair<std::string, int64_t>> aggregates;
  uint64_t generation = 0;
};

// Runs a parsed query; `include_deleted` for queryAll. Unknown objects answer
// INVALID_TYPE, unknown fields and relationships INVALID_FIELD, with
// Salesforce's caret messages. Takes the store's read lock.
std::variant<QueryResult, SfError> run_query(const Store& store, const SoqlQuery& query,
                                             bool include_deleted);

// Appends records [begin, end) of `result` as a JSON array body (without the
// brackets' surrounding envelope) to `out`. `version` is "50.0".
void render_records(const Store& store, const QueryResult& result, size_t begin, size_t end,
                    const std::string& version, std::string& out);

// Writes one record with the given selection as Salesforce JSON.
void render_record(const Store& store, const Record& rec, const SelectNode& select,
                   const std::string& version, std::string& out);

// Bulk API 2.0 query results as CSV: the header of the selected paths
// ("Id","Account.Name") and records [begin, end) of `result`, every value
// quoted, nulls and missing parents as "". Need the store's read lock.
void render_csv_header(const SelectNode& select, char delimiter, const char* eol, std::string& out);
void render_csv_rows(const Store& store, const QueryResult& result, size_t begin, size_t end,
                     char delimiter, const char* eol, std::string& out);

// A selection of every field of `def` (sObject GET without `fields=`).
SelectNode select_all(const ObjectDef& def);

}  // namespace crmsync::sandbox::salesforce
