#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sandbox/salesforce/sandbox_state.h"

namespace crmsync::sandbox::salesforce {

// Helpers the sObject row resources share (by Id, by external id,
// relationships, composite subrequests).

// The object named `name`, or nullptr after answering 404 NOT_FOUND.
const ObjectDef* object_or_404(SandboxState& s, Call& c, const std::string& name);

// Who writes through the REST API of version `c.m[1]`.
WriteContext api_context(const Call& c);

// `/services/data/v{version}/sobjects/{object}/{id}`.
std::string sobject_url(const std::string& version, const ObjectDef& def, const std::string& id);

// The selection of `?fields=a,b` (every field when absent); nullopt after
// answering 400 INVALID_FIELD for a name the object does not have.
std::optional<SelectNode> field_selection(const ObjectDef& def, Call& c);

// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) as unix micros; nullopt
// when it is not one.
std::optional<int64_t> parse_http_date(std::string_view text);
std::string format_http_date(int64_t micros);

// Conditional requests (If-Modified-Since / If-Unmodified-Since, compared at
// whole seconds as HTTP dates are) against a resource last changed at
// `modified` (unix micros). Each answers the request itself (304, 412 or 400)
// and returns true when the handler must stop.
bool not_modified_since(Call& c, int64_t modified);
bool modified_since_unmodified(Call& c, int64_t modified, bool write);

// When a record was last changed (its SystemModstamp).
int64_t record_modstamp(const ObjectDef& def, const Record& rec);

// Answers the record of `row` in `def` with the selection; remembers it as
// recently viewed.
void answer_record(SandboxState& s, Call& c, const ObjectDef& def, const Record& rec,
                   const SelectNode& select);

// 300 Multiple Choices: the URLs of the records that match, as Salesforce
// lists them.
void answer_multiple_choices(Call& c, const ObjectDef& def, const std::vector<std::string>& ids);

// Recently viewed or created records (of `only` when given), newest first,
// at most `limit`, as the comma-separated JSON objects of GET /recent:
// attributes, Id and Name. Takes the store's read lock.
std::string recent_items_json(SandboxState& s, const std::string& version, const ObjectDef* only,
                              size_t limit);

// Whether API version `version` ("50.0") is `v` or later.
bool version_at_least(const std::string& version, double v);

}  // namespace crmsync::sandbox::salesforce
