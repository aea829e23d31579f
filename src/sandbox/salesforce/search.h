#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sandbox/salesforce/sf_error.h"
#include "sandbox/salesforce/store.h"

namespace crmsync::sandbox::salesforce {

// A text search, from SOSL (`FIND {term} IN NAME FIELDS RETURNING
// Account(Id, Name WHERE ... ORDER BY ... LIMIT n), Contact LIMIT n`) or from
// parameterizedSearch's parameters. The term's words must all appear in one
// of the searched fields of a record (whole words, `*` and `?` wildcards;
// `OR` between words: either side; a "quoted phrase" as written). Each
// object's part is run as SOQL, so it has the SOQL engine's features.
struct SearchObject {
  std::string name;
  std::string fields = "Id";  // the select list
  std::string clauses;        // "WHERE ... ORDER BY ..." (no LIMIT / OFFSET)
  std::optional<int64_t> limit;
  std::optional<int64_t> offset;
};

struct SearchSpec {
  std::string term;
  std::string scope = "ALL";          // ALL, NAME, EMAIL, PHONE
  std::vector<SearchObject> objects;  // empty: every object, Id only
  int64_t limit = 2000;
};

// Parses a SOSL statement; errors are 400 MALFORMED_SEARCH.
std::variant<SearchSpec, SfError> parse_sosl(std::string_view text);

// Runs a search: `{"searchRecords":[...]}` or the error (INVALID_TYPE,
// INVALID_FIELD, MALFORMED_SEARCH). `version` is "60.0".
std::variant<std::string, SfError> run_search(const Store& store, const SearchSpec& spec,
                                              const std::string& version);

}  // namespace crmsync::sandbox::salesforce
