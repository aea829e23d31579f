#pragma once

#include "core/result.h"
#include "core/value.h"
#include "sandbox/pipedrive/pipedrive_store.h"

namespace crmsync::sandbox::pipedrive {

// A request body split into standard fields (v2 shape) and custom values
// (v2 shape, by field key), validated against the store's field
// definitions and the records it references.
struct RecordInput {
  Object data;
  Object custom;
};

// v2 POST/PATCH bodies: custom fields under "custom_fields", numbers and
// booleans strictly typed, unknown keys refused. Errors are `rejected` with
// the message the API would put in "error" (answered with 400).
Result<RecordInput> parse_v2_body(Entity entity, const Value& body, const PipedriveStore& store,
                                  bool creating);

// v1 POST/PUT bodies: custom fields at the root by key, `email`/`phone` as
// strings or arrays, deal `user_id` for the owner, numbers also as strings.
Result<RecordInput> parse_v1_body(Entity entity, const Value& body, const PipedriveStore& store,
                                  bool creating);

}  // namespace crmsync::sandbox::pipedrive
