#pragma once

#include <string>
#include <variant>
#include <vector>

#include "core/value.h"
#include "sandbox/payamgostar/payamgostar_store.h"

namespace crmsync::sandbox::payamgostar {

// crmobject/<type>/find: `queries` [{logicalOperator (0 And, 1 Or),
// operator, field, value, leafs}] over the read shape (field names matched
// case-insensitively: "FirstName" finds firstName), paged by pageNumber
// (from 1) and pageSize (default 10). Operators: 0 =, 1 >, 2 >=, 3 In,
// 4 <, 5 <=, 6 !=, 7 NotIn, 11 StartsWith, 12 Contains, 13 EndsWith; numbers
// compare as numbers, the rest as text.
std::variant<Value, ApiError> find_records(const std::vector<Value>& records, const Object& body);

// identity/search: {pageNumber, pageSize, searchTerm, identityType (1
// person, 2 organization)} or {} for all: a bare array of {identityId,
// nickName, customerNo}. Page numbers start at 1; 0 is read as 1.
std::variant<Value, ApiError> search_identities(const std::vector<CrmRecord>& identities,
                                                const Object& body);

}  // namespace crmsync::sandbox::payamgostar
