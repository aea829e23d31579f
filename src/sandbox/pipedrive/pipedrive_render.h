#pragma once

#include "core/value.h"
#include "sandbox/pipedrive/pipedrive_store.h"

namespace crmsync::sandbox::pipedrive {

// The sandbox's only user, the owner of everything (id 1).
inline constexpr int64_t kUserId = 1;
inline constexpr int64_t kCompanyId = 1;

// A record as the v2 API answers it: related ids plain, `is_deleted`, RFC
// 3339 times, custom values under `custom_fields`.
Value render_v2(Entity entity, const StoredRecord& record);
// A record as the v1 API answers it: owner/org/person as objects,
// `active_flag`, "YYYY-MM-DD HH:MM:SS" times, custom values at the root
// (option ids as strings, sets as "1,2").
Value render_v1(Entity entity, const StoredRecord& record, const PipedriveStore& store);

Value render_field_v1(const FieldDef& field, int order_nr);
Value render_field_v2(const FieldDef& field);
Value render_user();
Value render_pipeline(const Pipeline& pipeline, bool v2, int64_t now);
Value render_stage(const Stage& stage, const PipedriveStore& store, bool v2, int64_t now);

}  // namespace crmsync::sandbox::pipedrive
